"""A hall's own tablet (平板, store/kiosks.py): /k/<token>, opened once on the tablet, keeps its token in a cookie
(path /s/) and goes to its point's form. A request to /s/<code> carrying that cookie, for a tablet in use at this
very point, is the tablet's (channel 平板): no per-phone defences (views.py), one answer per KIOSK_MIN_GAP seconds.
Without the cookie nothing is looked up: the citizens' own phones pay nothing for it. A token unknown or 停用 is
ignored (the device answers as a phone does) and its cookie cleared."""
from __future__ import annotations

from flask import Blueprint, abort, after_this_request, current_app, g, request

from ..store import get_store
from . import bp as respondent_bp

kiosk_bp = Blueprint("kiosk", __name__, url_prefix="/k")
COOKIE = "mkiosk"
MAX_TOKEN = 64  # characters; the tokens Manyi makes have 24


def _path() -> str:
    return f"{request.script_root}{respondent_bp.url_prefix}/"


@kiosk_bp.get("/<token>")
def start(token):
    """The tablet's own address: a tablet in use gets its cookie and its point's form; anything else a 404."""
    found = get_store().kiosk_for_token(token) if len(token) <= MAX_TOKEN else None
    if found is None:
        abort(404)
    response = current_app.response_class(status=303, headers={"Location": f"{_path()}{found['code']}",
                                                               "Cache-Control": "no-store"})
    response.set_cookie(COOKIE, token, max_age=400 * 86400, path=_path(), httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def current(point: dict) -> int | None:
    """The id of the tablet this request comes from when it is in use at ``point`` (one lookup, only when the
    cookie is there, once a request); None otherwise. A token no longer in use has its cookie cleared by the response."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    if "kiosk" not in g:
        g.kiosk = _lookup(token, point)
    return g.kiosk


def _lookup(token: str, point: dict) -> int | None:
    found = get_store().kiosk_for_token(token) if len(token) <= MAX_TOKEN else None
    if found is None:
        @after_this_request
        def clear(response):
            response.delete_cookie(COOKIE, path=_path(), httponly=True, samesite="Lax",
                                   secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
            return response
        return None
    return found["id"] if found["point_id"] == point["id"] else None
