"""WTForms form classes built from questionnaires (one class per questionnaire version, kept by
the app's ``Forms``), and the one-time submission key every rendered form carries (which is also
its CSRF token)."""
from __future__ import annotations

import hashlib
import secrets
from typing import NamedTuple

from flask import current_app
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import HiddenField, RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..questionnaires import LANGUAGES, Questionnaire
from ..safetext import clean_text  # a free-text answer as stored: \n line breaks, no control characters

MSG_REQUIRED = "请选择一项后再提交。"
MSG_REQUIRED_MULTI = "请至少选择一项。"
MSG_CHOICE = "所选内容不在选项之中，请重新选择。"
MSG_TEXT_REQUIRED = "请填写本题后再提交。"


class SingleChoiceField(RadioField):
    """A radio group that refuses two values for one question (no browser sends that)."""

    def pre_validate(self, form):
        if self.raw_data and len(self.raw_data) > 1:
            raise ValidationError(MSG_CHOICE)
        super().pre_validate(form)


class SurveyForm(FlaskForm):
    class Meta:
        csrf = False  # the submission key is bound to the browser's cookie and signed: see issue_key

    key = HiddenField()
    lang = HiddenField()

    def answers(self, questionnaire: Questionnaire) -> list[tuple[str, str]]:
        """The validated answers in long form: (question id, option code or text)."""
        out = []
        for q in questionnaire.questions:
            data = self[q.id].data
            if q.type == "multiple":
                out.extend((q.id, v) for v in sorted(set(data or ())))
            elif data:
                out.append((q.id, data.strip() if q.type == "text" else data))
        return [(q, v) for q, v in out if v]


EXTENSION = "manyi.forms"  # the key in app.extensions


class Forms:
    """What one app builds once for the citizens' form: a form class per questionnaire file (built
    again when the catalogue reloads the file, i.e. hands out a new Questionnaire) and a
    submission-key signer per secret key (every submit reads a key)."""

    def __init__(self):
        self._classes: dict[tuple[str, str], tuple[Questionnaire, type[SurveyForm]]] = {}
        self._signers: dict[str, URLSafeSerializer] = {}

    def form_class(self, questionnaire: Questionnaire) -> type[SurveyForm]:
        cache_key = (questionnaire.key, questionnaire.path)
        built = self._classes.get(cache_key)
        if built is None or built[0] is not questionnaire:
            built = self._classes[cache_key] = (questionnaire, _build(questionnaire))
        return built[1]

    def signer(self, secret: str) -> URLSafeSerializer:
        if secret not in self._signers:
            self._signers[secret] = URLSafeSerializer(secret, salt="manyi-submission-key")
        return self._signers[secret]


def init_app(app) -> None:
    app.extensions[EXTENSION] = Forms()


def form_class(questionnaire: Questionnaire) -> type[SurveyForm]:
    """A fresh SurveyForm subclass with one field per question (built once per version, per app)."""
    return current_app.extensions[EXTENSION].form_class(questionnaire)


def _build(questionnaire: Questionnaire) -> type[SurveyForm]:
    attrs = {}
    for q in questionnaire.questions:
        if q.type == "text":
            required = DataRequired(MSG_TEXT_REQUIRED) if q.required else Optional()
            attrs[q.id] = TextAreaField(filters=[clean_text], validators=[required, Length(
                max=q.max_length, message=f"请将内容控制在 {q.max_length} 字以内。")])
            continue
        choices = [SelectChoice(code) for code in q.codes]
        if q.type == "multiple":
            required = InputRequired(MSG_REQUIRED_MULTI) if q.required else Optional()
            attrs[q.id] = SelectMultipleField(choices=choices, validators=[required],
                                              invalid_choice_message=MSG_CHOICE)
        else:
            required = InputRequired(MSG_REQUIRED) if q.required else Optional()
            attrs[q.id] = SingleChoiceField(choices=choices, validators=[required],
                                     invalid_choice_message=MSG_CHOICE)
    return type(f"Form_{questionnaire.id}_{questionnaire.version}".replace("-", "_"), (SurveyForm,), attrs)


def clean_answers(questionnaire: Questionnaire, formdata, *, missing: list | None = None) -> list[tuple[str, str]] | None:
    """The answers of a clean, complete answer sheet, or None. With a ``missing`` list (a paper form as an
    evaluator enters it: admin/paper.py) a required question left blank is appended to it instead.

    The submit hot path: it accepts only what the WTForms form built by ``form_class`` accepts
    (tests/test_forms_fast.py checks the two agree on random input) at a fraction of the cost;
    anything else returns None and goes to the full WTForms validation, which renders the messages.
    """
    out = []
    for q in questionnaire.questions:
        values = formdata.getlist(q.id)
        if q.type == "multiple":
            if any(v not in q.codes for v in values):  # "" is no code either
                return None
            if not values and q.required:
                if missing is None:
                    return None
                missing.append(q.id)
            out.extend((q.id, v) for v in sorted(set(values)))
        elif len(values) > 1:
            return None
        elif q.type == "text":
            text = clean_text(values[0]) if values else ""
            if len(text) > q.max_length:
                return None
            if q.required and not text.strip():
                if missing is None:
                    return None
                missing.append(q.id)
            if text.strip():
                out.append((q.id, text.strip()))
        elif not values or not values[0]:
            if q.required:
                if missing is None:
                    return None
                missing.append(q.id)
        elif values[0] in q.codes:
            out.append((q.id, values[0]))
        else:
            return None
    return out


def language(requested: str | None, questionnaire: Questionnaire) -> str:
    return requested if requested in LANGUAGES and requested in questionnaire.languages else "zh-CN"


# -- the one-time submission key ----------------------------------------------------------------
# Signed so that only keys this server issued are accepted; it carries the point code, the time the
# form was rendered (for seconds-on-page) and a digest of the browser's device cookie. The random
# nonce is what makes a submit unique.
#
# The cookie digest makes the key the form's CSRF token too (OWASP's signed double-submit cookie):
# another site can make a browser post, but cannot read its HttpOnly cookie or the key on our page,
# and a key fetched elsewhere carries another cookie's digest. It replaces Flask-WTF's session token
# on the citizens' form only: one signature to check per submit instead of three (session cookie,
# token, key), and no session cookie at all. Evaluator forms keep Flask-WTF's CSRFProtect.

def _signer() -> URLSafeSerializer:
    return current_app.extensions[EXTENSION].signer(current_app.config["SECRET_KEY"])


def device_digest(device_token: str) -> str:
    return hashlib.sha256(device_token.encode()).hexdigest()[:16]


class Key(NamedTuple):
    """A submission key as read back: its nonce (the response's idempotency key), its age, and the seconds
    spent on the form before the key was renewed (an expired key's answers come back with a new one)."""

    nonce: str
    age: int
    spent: int = 0
    ahead: int = 0  # seconds the key's issue time lies ahead of this server's clock (issued by a server ahead)

    @property
    def seconds(self) -> int:
        """Seconds on the form, from first showing it (what the minimum time and the speeder flag read)."""
        return self.age + self.spent


def issue_key(point_code: str, device_token: str, *, nonce: str | None = None, spent: int = 0) -> str:
    """A submission key. A renewed key keeps the expired key's ``nonce`` (one form page stores at most one
    answer, however often its key is renewed) and carries the seconds already ``spent`` on the form."""
    fields = [nonce or secrets.token_urlsafe(12), point_code, int(_now()), device_digest(device_token)]
    return _signer().dumps(fields + [spent] if spent else fields)


def read_key(token: str | None, point_code: str, device_token: str | None) -> Key | None:
    """The Key for a key this server issued for this point and this browser's device cookie, else None
    (forged, garbled, another point's, another browser's)."""
    if not token or len(token) > 200 or not device_token:
        return None
    try:
        nonce, code, issued, digest, *rest = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    spent = rest[0] if len(rest) == 1 else None if rest else 0
    if (code != point_code or not isinstance(nonce, str) or not isinstance(issued, int)
            or not isinstance(spent, int) or spent < 0 or digest != device_digest(device_token)):
        return None
    age = int(_now()) - issued
    return Key(nonce, max(0, age), spent, max(0, -age))


def _now() -> float:
    """This server's clock (the Store's: tests give a server one that is off)."""
    return current_app.extensions["manyi.store"].wall_clock()
