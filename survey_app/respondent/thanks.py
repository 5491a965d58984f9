"""The thank-you page after a stored answer (post/redirect/get), and the helpers it shares with the form
(views.py): a point by its code, the redirect to its form. On a hall's tablet (kiosk.py) the thank-you page
goes back to a fresh form by itself after KIOSK_NEXT_SECONDS, and its 下一位 button does at once."""
from __future__ import annotations

from flask import abort, current_app, render_template, request

from .. import questionnaires
from ..store import get_store
from . import bp, forms, kiosk, text

DONE_COOKIE = "mdone"  # the surveys this browser has answered ("12.15"): the form shows the repeat page
DONE_KEPT = 20  # surveys remembered
KIOSK_NEXT_SECONDS = 10  # a tablet's thank-you page, then the next person's form


def point_or_404(code: str) -> tuple[dict, dict]:
    """(point, survey) for a collection-point code, or a 404."""
    found = get_store().point_for_citizen(code.lower()) if len(code) <= 32 else None  # typed off a poster in capitals
    if found is None:
        abort(404)
    return found


def to_form(code: str, status: int):
    """A redirect to the point's form, in the language asked for if it is one of the pages' languages."""
    lang = request.args.get("lang") if request.args.get("lang") in text.TEXT else None
    location = f"{request.script_root}{bp.url_prefix}/{code}{f'?lang={lang}' if lang else ''}"
    return current_app.response_class(status=status, headers={"Location": location})


def to_thanks(code: str, lang: str, survey_id: int):
    """Post/redirect/get to the thank-you page, in the language the form was answered in; the browser
    remembers that it answered this survey (DONE_COOKIE)."""
    query = "" if lang == "zh-CN" else f"?lang={lang}"  # codes and languages are URL-safe as they are
    location = f"{request.script_root}{bp.url_prefix}/{code}/thanks{query}"
    response = current_app.response_class(status=303, headers={"Location": location})
    done = [s for s in (request.cookies.get(DONE_COOKIE) or "").split(".") if s.isdigit() and s != str(survey_id)]
    response.set_cookie(DONE_COOKIE, ".".join([*done[-(DONE_KEPT - 1):], str(survey_id)]), max_age=400 * 86400,
                        path=f"{request.script_root}{bp.url_prefix}/", httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


@bp.get("/<code>/thanks")
def thanks(code):
    point, survey = point_or_404(code)
    if str(survey["id"]) not in (request.cookies.get(DONE_COOKIE) or "").split("."):  # not answered here: a
        # thank-you link shared in WeChat (or typed) gets the form, not 提交成功 for answers never sent
        return to_form(code, 303)
    lang, title, closing = "zh-CN", survey["title"], "感谢您的参与！"
    try:
        questionnaire = questionnaires.catalogue().for_survey(survey)
        lang = forms.language(request.args.get("lang"), questionnaire)
        closing = questionnaire.closing.get(lang)
        title = questionnaire.title.get(lang)
    except questionnaires.MissingQuestionnaire:  # the answer is stored: thank them all the same
        pass
    get_store().flush_opens_if_due()  # the opens counted before this answer reach every report (store/fieldwork.py)
    following = f"{request.script_root}{bp.url_prefix}/{point['code']}" if kiosk.current(point) else None
    response = current_app.make_response(render_template(  # a tablet: the next person's form, in Chinese
        "thanks.html", lang=lang, title=title, closing=closing, t=text.text(lang), following=following,
        next_seconds=KIOSK_NEXT_SECONDS))
    if following:
        response.headers["Cache-Control"] = "no-store"
    return response
