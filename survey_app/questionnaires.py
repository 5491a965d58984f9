"""Load and validate questionnaire files (TOML) into frozen dataclasses.

A questionnaire is data: a new one is a new file in ``questionnaires/`` and needs no code.
The format is documented in ``questionnaires/README.md``. Every error names the file, the
question (when there is one) and the field.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

DEFAULT_LANGUAGE = "zh-CN"
LANGUAGES = ("zh-CN", "ug", "en")
RTL_LANGUAGES = frozenset({"ug"})
ROLES = ("demographic", "satisfaction", "awareness", "other")
TYPES = ("single", "multiple", "text")
FIGURES = ("score", "rate")


class QuestionnaireError(ValueError):
    """A questionnaire file is broken; the message names the file, question and field."""


@dataclass(frozen=True)
class Text:
    """A label in zh-CN with optional translations (labels only: codes are language-neutral)."""

    values: Mapping[str, str]

    def get(self, language: str = DEFAULT_LANGUAGE) -> str:
        return self.values.get(language) or self.values[DEFAULT_LANGUAGE]

    def __str__(self) -> str:
        return self.values[DEFAULT_LANGUAGE]


@dataclass(frozen=True)
class Option:
    code: str
    label: Text
    points: float | None = None
    satisfied: bool | None = None


@dataclass(frozen=True)
class Question:
    id: str
    text: Text
    type: str
    role: str
    required: bool
    options: tuple[Option, ...]
    scale: str | None = None
    short: str = ""
    max_length: int = 500

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)

    def option(self, code: str) -> Option:
        return next(o for o in self.options if o.code == code)

    @property
    def points(self) -> dict[str, float] | None:
        """Option code -> points on the 0-100 ladder, when every option has points."""
        if self.options and all(o.points is not None for o in self.options):
            return {o.code: o.points for o in self.options}
        return None

    @property
    def satisfied(self) -> frozenset[str]:
        return frozenset(o.code for o in self.options if o.satisfied)

    @property
    def label(self) -> str:
        return self.short or str(self.text)


@dataclass(frozen=True)
class Section:
    title: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Headline:
    """Which item (or weighted combination of items) feeds C51, and whether as a score or a rate."""

    weights: Mapping[str, float]
    figure: str


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: Text
    invitation: Text
    closing: Text
    signature: str
    sections: tuple[Section, ...]
    headline: Headline
    path: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in LANGUAGES if lang in self.title.values)


def _text(value, where: str) -> Text:
    if isinstance(value, str) and value.strip():
        return Text(MappingProxyType({DEFAULT_LANGUAGE: value.strip()}))
    if isinstance(value, dict) and value:
        unknown = set(value) - set(LANGUAGES)
        if unknown:
            raise QuestionnaireError(f"{where}: unknown language {sorted(unknown)}; use {list(LANGUAGES)}")
        if not isinstance(value.get(DEFAULT_LANGUAGE), str) or not value[DEFAULT_LANGUAGE].strip():
            raise QuestionnaireError(f"{where}: needs a non-empty {DEFAULT_LANGUAGE} text")
        if not all(isinstance(v, str) for v in value.values()):
            raise QuestionnaireError(f"{where}: every translation must be a string")
        return Text(MappingProxyType({k: v.strip() for k, v in value.items()}))
    raise QuestionnaireError(f"{where}: must be a non-empty string or a table of language = text")


def _options(raw, where: str) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        raise QuestionnaireError(f"{where}: 'options' must be a non-empty list")
    options, seen = [], set()
    for i, o in enumerate(raw, 1):
        at = f"{where}, option {i}"
        if not isinstance(o, dict):
            raise QuestionnaireError(f"{at}: must be a table with code and label")
        code = o.get("code")
        if not isinstance(code, str) or not code.isascii() or not code.isalnum() or len(code) > 8:
            raise QuestionnaireError(f"{at}, field 'code': must be 1-8 ASCII letters or digits, got {code!r}")
        if code in seen:
            raise QuestionnaireError(f"{at}, field 'code': duplicate code {code!r}")
        seen.add(code)
        points = o.get("points")
        if points is not None and (isinstance(points, bool) or not isinstance(points, (int, float))
                                   or not 0 <= points <= 100):
            raise QuestionnaireError(f"{at}, field 'points': must be a number from 0 to 100, got {points!r}")
        satisfied = o.get("satisfied")
        if satisfied is not None and not isinstance(satisfied, bool):
            raise QuestionnaireError(f"{at}, field 'satisfied': must be true or false")
        extra = set(o) - {"code", "label", "points", "satisfied"}
        if extra:
            raise QuestionnaireError(f"{at}: unknown field(s) {sorted(extra)}")
        options.append(Option(code, _text(o.get("label"), f"{at}, field 'label'"),
                              None if points is None else float(points), satisfied))
    return tuple(options)


_QUESTION_FIELDS = {"id", "text", "type", "role", "required", "options", "scale", "short", "max_length"}


def _question(raw, scales: dict, where: str) -> Question:
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{where}: must be a table")
    qid = raw.get("id")
    if not isinstance(qid, str) or not qid.isidentifier() or not qid.isascii():
        raise QuestionnaireError(f"{where}, field 'id': must be an ASCII identifier, got {qid!r}")
    at = f"{where.rsplit(',', 1)[0]}, question '{qid}'"
    extra = set(raw) - _QUESTION_FIELDS
    if extra:
        raise QuestionnaireError(f"{at}: unknown field(s) {sorted(extra)}")
    qtype = raw.get("type", "single")
    if qtype not in TYPES:
        raise QuestionnaireError(f"{at}, field 'type': must be one of {list(TYPES)}, got {qtype!r}")
    role = raw.get("role", "other")
    if role not in ROLES:
        raise QuestionnaireError(f"{at}, field 'role': must be one of {list(ROLES)}, got {role!r}")
    required = raw.get("required", qtype != "text")
    if not isinstance(required, bool):
        raise QuestionnaireError(f"{at}, field 'required': must be true or false")
    scale = raw.get("scale")
    if qtype == "text":
        if "options" in raw or scale:
            raise QuestionnaireError(f"{at}: a text question has no options or scale")
        options = ()
    elif scale is not None:
        if "options" in raw:
            raise QuestionnaireError(f"{at}: give either 'scale' or 'options', not both")
        if scale not in scales:
            raise QuestionnaireError(f"{at}, field 'scale': unknown scale {scale!r}; defined: {sorted(scales)}")
        options = scales[scale]
    else:
        options = _options(raw.get("options"), f"{at}, field 'options'")
    max_length = raw.get("max_length", 500)
    if not isinstance(max_length, int) or not 1 <= max_length <= 2000:
        raise QuestionnaireError(f"{at}, field 'max_length': must be an integer from 1 to 2000")
    short = raw.get("short", "")
    if not isinstance(short, str):
        raise QuestionnaireError(f"{at}, field 'short': must be a string")
    return Question(qid, _text(raw.get("text"), f"{at}, field 'text'"), qtype, role, required,
                    options, scale, short, max_length)


def parse(data: dict, where: str) -> Questionnaire:
    """Validate the parsed TOML ``data``; ``where`` (the file name) starts every error message."""
    for key in ("id", "version", "title", "invitation", "sections", "headline"):
        if key not in data:
            raise QuestionnaireError(f"{where}: missing field '{key}'")
    qid = data["id"]
    if not isinstance(qid, str) or not qid or not all(c.isalnum() or c in "-_" for c in qid) or not qid.isascii():
        raise QuestionnaireError(f"{where}, field 'id': must be ASCII letters, digits, '-' or '_'")
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise QuestionnaireError(f"{where}, field 'version': must be a positive integer")
    raw_scales = data.get("scales", {})
    if not isinstance(raw_scales, dict):
        raise QuestionnaireError(f"{where}, field 'scales': must be a table of named scales")
    scales = {}
    for name, s in raw_scales.items():
        if not isinstance(s, dict):
            raise QuestionnaireError(f"{where}, scale '{name}': must be a table with 'options'")
        scales[name] = _options(s.get("options"), f"{where}, scale '{name}', field 'options'")
    if not isinstance(data["sections"], list) or not data["sections"]:
        raise QuestionnaireError(f"{where}, field 'sections': must be a non-empty list")
    sections, seen = [], set()
    for i, s in enumerate(data["sections"], 1):
        if not isinstance(s, dict):
            raise QuestionnaireError(f"{where}, section {i}: must be a table")
        raw_questions = s.get("questions")
        if not isinstance(raw_questions, list) or not raw_questions:
            raise QuestionnaireError(f"{where}, section {i}, field 'questions': must be a non-empty list")
        questions = []
        for j, q in enumerate(raw_questions, 1):
            question = _question(q, scales, f"{where}, section {i}, question {j}")
            if question.id in seen:
                raise QuestionnaireError(f"{where}, question '{question.id}', field 'id': duplicate id")
            seen.add(question.id)
            questions.append(question)
        sections.append(Section(_text(s.get("title"), f"{where}, section {i}, field 'title'"), tuple(questions)))
    headline = _headline(data["headline"], {q.id: q for s in sections for q in s.questions}, where)
    title = _text(data["title"], f"{where}, field 'title'")
    return Questionnaire(
        id=qid, version=version, title=title,
        invitation=_text(data["invitation"], f"{where}, field 'invitation'"),
        closing=_text(data.get("closing", "感谢您的参与！"), f"{where}, field 'closing'"),
        signature=str(data.get("signature", "")),
        sections=tuple(sections), headline=headline, path=where,
    )


def _headline(raw, questions: dict, where: str) -> Headline:
    at = f"{where}, field 'headline'"
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{at}: must be a table with 'questions' and 'figure'")
    weights = raw.get("questions")
    if isinstance(weights, str):
        weights = {weights: 1.0}
    if not isinstance(weights, dict) or not weights:
        raise QuestionnaireError(f"{at}.questions: must name one question or a table of question = weight")
    for qid, w in weights.items():
        q = questions.get(qid)
        if q is None:
            raise QuestionnaireError(f"{at}.questions: unknown question '{qid}'")
        if q.role != "satisfaction" or q.points is None:
            raise QuestionnaireError(f"{at}.questions: question '{qid}' must be a satisfaction item with points")
        if isinstance(w, bool) or not isinstance(w, (int, float)) or w <= 0:
            raise QuestionnaireError(f"{at}.questions: weight of '{qid}' must be a positive number")
    figure = raw.get("figure", "score")
    if figure not in FIGURES:
        raise QuestionnaireError(f"{at}.figure: must be one of {list(FIGURES)}, got {figure!r}")
    total = sum(weights.values())
    return Headline(MappingProxyType({k: float(v) / total for k, v in weights.items()}), figure)


def load(path: str | Path) -> Questionnaire:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise QuestionnaireError(f"{path.name}: not valid TOML: {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise QuestionnaireError(f"{path.name}: cannot read: {e}") from None
    return parse(data, path.name)


@lru_cache(maxsize=None)
def _load_dir(directory: str, mtimes: tuple) -> Mapping[str, Questionnaire]:
    found = {}
    for path in sorted(Path(directory).glob("*.toml")):
        q = load(path)
        if q.key in found:
            raise QuestionnaireError(f"{path.name}: id and version {q.key} already used by {found[q.key].path}")
        found[q.key] = q
    return MappingProxyType(found)


def load_all(directory: str | Path) -> Mapping[str, Questionnaire]:
    """Every questionnaire in ``directory`` keyed by ``id@version``; reloaded when a file changes."""
    directory = Path(directory)
    mtimes = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.toml")))
    return _load_dir(str(directory), mtimes)


def get(directory: str | Path, qid: str, version: int | None = None) -> Questionnaire:
    """The questionnaire ``qid`` at ``version`` (the newest when None); KeyError if absent."""
    matches = [q for q in load_all(directory).values() if q.id == qid and (version is None or q.version == version)]
    if not matches:
        raise KeyError(f"no questionnaire {qid!r}" + (f" version {version}" if version else ""))
    return max(matches, key=lambda q: q.version)
