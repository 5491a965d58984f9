"""Respondents: /s/<code> shows the questionnaire of a collection point and takes the answers."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, g, render_template, request

from .. import csrf, questionnaires
from ..store import StorageUnavailable, get_store
from . import bp, forms, text

csrf.exempt(bp)  # the submission key, bound to the device cookie, is the form's CSRF token (forms.py)
DEVICE_COOKIE = "mid"


def survey_state(survey: dict, tz: str) -> str:
    """'open', 'not-yet-open' or 'closed' for a survey today (dates are local to the survey's region)."""
    today = datetime.now(ZoneInfo(tz)).date().isoformat()
    if survey["status"] == "closed" or (survey["closes_on"] and today > survey["closes_on"]):
        return "closed"
    if survey["status"] == "draft" or (survey["opens_on"] and today < survey["opens_on"]):
        return "not-yet-open"
    return "open"


def _point(code: str) -> tuple[dict, dict]:
    """(point, survey) for a collection-point code, or a 404."""
    found = get_store().point_for_citizen(code) if len(code) <= 32 else None
    if found is None:
        abort(404)
    return found


def _load(code: str):
    """(point, survey, questionnaire) for an open point, or aborts with a friendly page."""
    point, survey = _point(code)
    state = survey_state(survey, current_app.config["TIMEZONE"])
    if state != "open":
        lang = request.args.get("lang") if request.args.get("lang") in text.TEXT else "zh-CN"
        page = render_template("notice.html", kind=state, survey=survey, lang=lang, t=text.text(lang))
        abort(current_app.response_class(page, status=410 if state == "closed" else 403))
    return point, survey, questionnaires.catalogue().for_survey(survey)


def _device() -> tuple[str, bool]:
    """This browser's device token (the cookie DEVICE_COOKIE) and whether it is new, i.e. still to be
    set on the response. Submission keys are bound to it (forms.issue_key)."""
    token = request.cookies.get(DEVICE_COOKIE)
    if token and len(token) <= 64:
        return token, False
    if "new_device" not in g:
        g.new_device = secrets.token_urlsafe(16)
    return g.new_device, True


def _device_hash(survey_id: int, token: str, new: bool) -> str | None:
    if new:
        return None
    salt = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{salt}:{survey_id}:{token}".encode()).hexdigest()[:20]


def _render(point, survey, questionnaire, form, status=200, notice=None):
    lang = forms.language(form.lang.data or request.args.get("lang"), questionnaire)
    first_error = next((q.id for q in questionnaire.questions if form[q.id].errors), None)
    response = current_app.make_response((render_template(
        "form.html", point=point, survey=survey, q=questionnaire, form=form, lang=lang,
        rtl=lang in questionnaires.RTL_LANGUAGES, t=text.text(lang),
        notice=text.notice(notice, lang, first_error),
        message=lambda m: text.message(m, lang)), status))
    token, new = _device()
    if new:
        response.set_cookie(DEVICE_COOKIE, token, max_age=400 * 86400,
                            httponly=True, samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    response.headers["Cache-Control"] = "no-store"
    return response


def _malformed(formdata) -> bool:
    """Bytes that are not UTF-8 (Werkzeug turns them into U+FFFD in multipart bodies): a browser
    showing our UTF-8 page never sends them, and a text answer must not be stored mangled. A multipart
    part whose name Werkzeug cannot read comes back with the name None (a 500 before: tests/test_fuzz.py)."""
    return any(name is None or "\ufffd" in name or "\ufffd" in value for name, value in formdata.items(multi=True))


@bp.get("/<code>")
def show(code):
    point, survey, questionnaire = _load(code)
    form = forms.form_class(questionnaire)(formdata=None)
    form.key.data = forms.issue_key(code, _device()[0])
    form.lang.data = forms.language(request.args.get("lang"), questionnaire)
    response = _render(point, survey, questionnaire, form)
    if request.method == "GET":  # a page open for the completion rate (HEAD, e.g. link checkers, is none)
        today = datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date().isoformat()
        get_store().count_open(point["id"], today)  # batched in memory; never raises (store/fieldwork.py)
    return response


@bp.post("/<code>")
def post(code):
    point, survey, questionnaire = _load(code)
    formdata = request.form  # the hot path: each request.x goes through a context-local proxy
    if _malformed(formdata):
        abort(400)
    device, new_device = _device()
    key = None if new_device else forms.read_key(formdata.get("key"), code, device)
    answers = forms.clean_answers(questionnaire, formdata) if key else None
    lang = forms.language(formdata.get("lang"), questionnaire)
    database = get_store()
    if answers is None:  # not a clean sheet: the full WTForms validation, with its messages
        form = forms.form_class(questionnaire)()
        if key is None:  # not a key this server issued for this point and browser: new key, answers kept
            form.key.data = forms.issue_key(code, device)
            # with no device cookie at all, the browser refuses cookies (or lost them): say so
            return _render(point, survey, questionnaire, form, 400, "cookies" if new_device else "expired")
        if database.response_for_key(key[0]) is not None:  # a retry of a stored submission
            database.make_durable()  # stored a moment ago by another worker, maybe not yet synced
            return _to_thanks(code, lang)
        if not form.validate():
            return _render(point, survey, questionnaire, form, 400, "invalid")
        answers = form.answers(questionnaire)
    nonce, seconds = key
    try:
        # a retried key stores nothing and gets the same thank-you
            database.save_response(survey_id=survey["id"], point_id=point["id"],
            questionnaire_version=questionnaire.version, submission_key=nonce, answers=answers,
            seconds_on_page=seconds, language=lang, device_hash=_device_hash(survey["id"], device, new_device))
    except StorageUnavailable:  # not stored: the form comes back filled in, with the same key
        return _render(point, survey, questionnaire, forms.form_class(questionnaire)(), 503, "unavailable")
    return _to_thanks(code, lang)


def _to_thanks(code: str, lang: str):
    """Post/redirect/get to the thank-you page, in the language the form was answered in."""
    query = "" if lang == "zh-CN" else f"?lang={lang}"  # codes and languages are URL-safe as they are
    location = f"{request.script_root}{bp.url_prefix}/{code}/thanks{query}"
    return current_app.response_class(status=303, headers={"Location": location})


@bp.get("/<code>/thanks")
def thanks(code):
    point, survey = _point(code)
    lang, title, closing = "zh-CN", survey["title"], "感谢您的参与！"
    try:
        questionnaire = questionnaires.catalogue().for_survey(survey)
        lang = forms.language(request.args.get("lang"), questionnaire)
        closing = questionnaire.closing.get(lang)
        title = title if lang == "zh-CN" else questionnaire.title.get(lang)
    except questionnaires.MissingQuestionnaire:  # the answer is stored: thank them all the same
        pass
    return render_template("thanks.html", lang=lang, title=title, closing=closing, t=text.text(lang))
