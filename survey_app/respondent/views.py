"""Respondents: /s/<code> shows the questionnaire of a collection point and takes the answers."""
from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote_to_bytes

from flask import abort, current_app, g, render_template, request

from .. import csrf, questionnaires
from ..fieldwork import collection_state
from ..store import StorageUnavailable, get_store
from . import bp, defences, forms, kiosk, opens, text
from .thanks import DONE_COOKIE, point_or_404, to_form, to_thanks

csrf.exempt(bp)  # the submission key, bound to the device cookie, is the form's CSRF token (forms.py)
DEVICE_COOKIE = "mid"


def _load(code: str):
    """(point, survey, questionnaire) for an open point, or aborts with a friendly page."""
    point, survey = point_or_404(code)
    state = collection_state(survey, current_app.config["TIMEZONE"])
    if state != "open":
        lang = request.args.get("lang") if request.args.get("lang") in text.TEXT else "zh-CN"
        kind = "closed_post" if state == "closed" and request.method == "POST" else state  # say the answers are not kept
        page = render_template("notice.html", kind=kind, title=_title(survey, lang), lang=lang, t=text.text(lang),
                               day=_day(survey["opens_on"], lang))
        abort(current_app.response_class(page, status=410 if state == "closed" else 403))
    return point, survey, questionnaires.catalogue().for_survey(survey)


def _title(survey: dict, lang: str) -> str:
    """The questionnaire's title as the form shows it (the survey's title is the evaluator's own name for it)."""
    try:
        return questionnaires.catalogue().for_survey(survey).title.get(lang)
    except questionnaires.MissingQuestionnaire:
        return survey["title"]


def _day(iso: str | None, lang: str) -> str | None:
    """2030-01-01 as 2030年1月1日 for Chinese readers."""
    if not iso or lang != "zh-CN":
        return iso
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{year}年{month}月{day}日"


def _device() -> tuple[str, bool]:
    """This browser's device token (the cookie DEVICE_COOKIE) and whether it is new, i.e. still to be
    set on the response. Submission keys are bound to it (forms.issue_key)."""
    token = request.cookies.get(DEVICE_COOKIE)
    if token and len(token) <= 64:
        return token, False
    if "new_device" not in g:
        g.new_device = opens.new_token()
    return g.new_device, True


def _device_hash(survey_id: int, token: str, new: bool) -> str | None:
    if new:
        return None
    salt = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{salt}:{survey_id}:{token}".encode()).hexdigest()[:20]


def _render(point, survey, questionnaire, form, status=200, notice=None, wait=1):
    lang = forms.language(form.lang.data or request.args.get("lang"), questionnaire)
    first_error = next((q.id for q in questionnaire.questions if form[q.id].errors), None)
    response = current_app.make_response((render_template(
        "form.html", point=point, survey=survey, q=questionnaire, form=form, lang=lang,
        rtl=lang in questionnaires.RTL_LANGUAGES, t=text.text(lang), tablet=kiosk.current(point) is not None,
        notice=text.notice(notice, lang, first_error, wait), resubmit=notice in text.RESUBMIT,
        message=lambda m: text.message(m, lang)), status))
    token, new = _device()
    if new:
        response.set_cookie(DEVICE_COOKIE, token, max_age=400 * 86400,
                            httponly=True, samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    response.headers["Cache-Control"] = "no-store"
    return response


def _malformed(formdata, raw: bytes) -> bool:
    """Bytes that are not UTF-8 (Werkzeug reads them as U+FFFD): a browser showing our UTF-8 page never
    sends them, and a text answer must not be stored mangled. A U+FFFD the citizen typed or pasted is valid
    UTF-8 and is kept: only then is the body itself read again (``raw``). A multipart part whose name
    Werkzeug cannot read comes back with the name None (a 500 before: tests/test_fuzz.py). A file part:
    the form has no file field, and a file named like a text question reached its cleaning (a 500 before)."""
    if request.files or (request.mimetype == "multipart/form-data" and _OTHER_CHARSET.search(raw)):
        return True
    replaced = False
    for name, value in formdata.items(multi=True):
        if name is None:
            return True
        replaced = replaced or "\ufffd" in name or "\ufffd" in value
    return replaced and not _utf8(raw)


# a multipart part declaring a charset other than UTF-8 (Werkzeug decodes it so, mangling the answer): our
# page is UTF-8 and posts urlencoded; only a crafted client sends one
_OTHER_CHARSET = re.compile(rb"(?i)^content-type:[^\r\n]*charset=(?!\"?utf-?8\b)", re.M)


def _utf8(raw: bytes) -> bool:
    """Whether every name and value in the body, as sent, is UTF-8 (urlencoded: after %-decoding)."""
    pieces = [raw] if request.mimetype == "multipart/form-data" else [
        unquote_to_bytes(piece.replace(b"+", b" ")) for piece in raw.split(b"&")]
    try:
        for piece in pieces:
            piece.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _answered(survey_id: int) -> bool:
    """Whether this browser answered the survey (and ANSWERED_PAGE is on). A hall's own tablet (kiosk.py) never
    asks: the views do not call this for it."""
    return current_app.config["ANSWERED_PAGE"] and str(survey_id) in (request.cookies.get(DONE_COOKIE) or "").split(".")


def _repeat_page(survey, questionnaire, status=200):
    """您已提交过本问卷: no fresh form (so the back button or a second scan stores nothing unasked), with a
    link to answer once more for someone else, unless the survey takes one answer per device."""
    lang = forms.language(request.args.get("lang"), questionnaire)
    title = questionnaire.title.get(lang)
    page = render_template("repeat.html", lang=lang, title=title, t=text.text(lang),
                           strict=bool(survey.get("one_per_device")), rtl=lang in questionnaires.RTL_LANGUAGES)
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<code>")
@bp.get("/<code>/")  # as an address typed off a poster may end (a 404 before): redirected to the form
def show(code):
    point, survey, questionnaire = _load(code)
    if request.path.endswith("/"):
        return to_form(point["code"], 301)
    tablet = kiosk.current(point)  # None on a phone: no lookup without the tablet's cookie
    if tablet is None and _answered(survey["id"]) and not (request.args.get("another") and not survey.get("one_per_device")):
        return _repeat_page(survey, questionnaire)
    form = forms.form_class(questionnaire)(formdata=None)
    form.key.data = forms.issue_key(code, _device()[0])
    form.lang.data = forms.language(request.args.get("lang"), questionnaire)
    response = _render(point, survey, questionnaire, form)
    if request.method == "GET" and tablet is None:  # a phone's open for the completion rate (HEAD, e.g. link
        # checkers, is none; nor is a tablet's page, shown to person after person)
        opens.count(point["id"], *_device())  # once per device and day; batched in memory; never raises
    return response


@bp.post("/<code>")
def post(code):
    point, survey, questionnaire = _load(code)
    raw = request.get_data(cache=True)  # kept: the form is parsed from it, and _malformed may read it
    formdata = request.form  # the hot path: each request.x goes through a context-local proxy
    if _malformed(formdata, raw):
        abort(400)
    device, new_device = _device()
    key = None if new_device else forms.read_key(formdata.get("key"), code, device)
    lang = forms.language(formdata.get("lang"), questionnaire)
    database = get_store()
    renewed = None
    if key is not None and key.age > current_app.config["SUBMISSION_KEY_MAX_AGE"]:  # expired
        if database.response_for_key(key.nonce) is not None:  # a late retry of a stored answer
            answers = forms.clean_answers(questionnaire, formdata)
            return _stored_reply(point, code, lang, survey, questionnaire, key.nonce, answers)
        # the form comes back filled in, with a renewed key: the same nonce (one answer per form page, however
        # often renewed) and the time already spent on the form
        renewed, key = forms.issue_key(code, device, nonce=key.nonce, spent=key.seconds), None
    answers = forms.clean_answers(questionnaire, formdata) if key else None
    if answers is None:  # not a clean sheet: the full WTForms validation, with its messages
        form = forms.form_class(questionnaire)()
        if key is None:  # not a key this server issued for this point and browser: new key, answers kept
            form.key.data = renewed or forms.issue_key(code, device)
            # with no device cookie at all, the browser refuses cookies (or lost them): say so
            return _render(point, survey, questionnaire, form, 400, "cookies" if new_device else "expired")
        if database.response_for_key(key.nonce) is not None:  # stored, then sent again with other answers
            return _stored_reply(point, code, lang, survey, questionnaire, key.nonce, None)
        if not form.validate():
            return _render(point, survey, questionnaire, form, 400, "invalid")
        answers = form.answers(questionnaire)
    nonce, seconds = key.nonce, key.seconds
    tablet = kiosk.current(point)  # a hall's tablet: none of a phone's limits, no device kept
    channel = defences.SCAN if tablet is None else defences.KIOSK
    device_hash = _device_hash(survey["id"], device, new_device) if tablet is None else None
    refused, claim = defences.refusal(point, survey, questionnaire, nonce, seconds, device_hash, formdata,
                                      channel=channel, kiosk_id=tablet)
    if refused == "stored":  # a retry of a stored submission (the back button, a double tap)
        return _stored_reply(point, code, lang, survey, questionnaire, nonce, answers)
    if refused == "repeat":
        return _repeat_page(survey, questionnaire, 409)
    if refused is not None:  # not stored: the form comes back filled in, with the same key
        status = 429 if refused in ("busy", "busy_device", "kiosk_wait") else 400
        form = forms.form_class(questionnaire)()
        if refused == "too_fast" and key.ahead:  # issued by a server whose clock runs ahead of this one's:
            # timed from now by this server's clock, or it would read 0 s old until this clock caught up
            form.key.data = forms.issue_key(code, device, nonce=nonce, spent=seconds)
        wait = defences.min_seconds(questionnaire) - seconds  # too_fast: until then every tap is refused
        return _render(point, survey, questionnaire, form, status, refused, wait)
    try:  # a retried key stores nothing and gets the same thank-you
        saved = database.save_response(survey_id=survey["id"], point_id=point["id"],
                                       questionnaire_version=questionnaire.version, submission_key=nonce,
                                       answers=answers, seconds_on_page=seconds, language=lang,
                                       device_hash=device_hash, channel=channel, claim=claim)
    except StorageUnavailable:  # not stored: the form comes back filled in, with the same key
        return _render(point, survey, questionnaire, forms.form_class(questionnaire)(), 503, "unavailable")
    if saved.refused is not None:  # over the device's or the address's ceiling: not stored, answers kept
        kind = "kiosk_wait" if tablet else {"device": "busy_device", "address": "busy"}[saved.refused]
        wait = int(current_app.config["KIOSK_MIN_GAP"])
        return _render(point, survey, questionnaire, forms.form_class(questionnaire)(), 429, kind, wait)
    if not saved.created:
        return _stored_reply(point, code, lang, survey, questionnaire, nonce, answers)
    if tablet is None:  # it opened the form: counted if its open was not (opens.py)
        opens.count(point["id"], device, new_device)
    return to_thanks(code, lang, survey["id"])


def _stored_reply(point, code, lang, survey, questionnaire, nonce, answers):
    """A key already stored: the same answers are a retry (a double tap, a lost reply), thanked; other answers
    (the back button and a change, or a shared phone's restored page answered by the next person) get
    您已提交过本问卷 with its 再填写一份, never a thank-you for answers that were not stored."""
    try:  # stored a moment ago by another worker, maybe not yet synced (or replicated): either reply says stored
        get_store().make_durable()
    except StorageUnavailable:  # not known to be durable: the form comes back filled in, with the same key
        return _render(point, survey, questionnaire, forms.form_class(questionnaire)(), 503, "unavailable")
    if not _stored_as(nonce, answers):
        return _repeat_page(survey, questionnaire, 409)
    return to_thanks(code, lang, survey["id"])


def _stored_as(nonce: str, answers) -> bool | None:
    """None if nothing is stored under the key; else whether it was stored with these answers (a retry)
    or with others (a page restored on a shared phone and answered by someone else)."""
    stored = get_store().stored_answers(nonce)
    if stored is None:
        return None
    return answers is not None and stored == sorted(answers)
