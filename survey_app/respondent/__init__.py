"""Citizens' pages: /s/<code> shows a collection point's questionnaire and takes the answers (views.py),
with the form built from the questionnaire (forms.py) and the pages' own words (text.py). Citizens never
log in; ``is_citizen_request`` is how the rest of the app tells their requests apart."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("respondent", __name__, url_prefix="/s")


def is_citizen_request(request) -> bool:
    """Whether a request is for a citizens' page (/s/…, and a hall tablet's /k/…): no session, plain words on an
    error page."""
    return request.path.startswith((f"{bp.url_prefix}/", "/k/"))


def init_app(app) -> None:
    forms.init_app(app)  # app.extensions["manyi.forms"]: form classes and submission-key signers
    app.register_blueprint(bp)
    app.register_blueprint(kiosk.kiosk_bp)


from . import forms, kiosk, thanks, views  # noqa: E402  (views and thanks add the routes to bp)
