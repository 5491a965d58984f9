"""The questionnaire model: frozen dataclasses for a questionnaire, its sections, questions and
options, its composites, the format's closed vocabularies, and the two errors (a broken file, a missing one).

``parse.py`` builds these from a file; ``catalogue.py`` keeps a folder of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

from .digest import digest, short

DEFAULT_LANGUAGE = "zh-CN"
LANGUAGES = ("zh-CN", "ug", "en")
RTL_LANGUAGES = frozenset({"ug"})
ROLES = ("demographic", "satisfaction", "awareness", "other")
TYPES = ("single", "multiple", "text")
HEADLINE_FIGURES = ("score", "rate")  # a file's headline.figure (a survey may override it: results.C51_FIGURES)


class QuestionnaireError(ValueError):
    """A questionnaire file is broken; the message names the file, question and field."""


class MissingQuestionnaire(LookupError):
    """A survey's questionnaire file (id and version) is no longer in the questionnaire folder."""

    def __init__(self, survey: dict):
        super().__init__(f"questionnaire {survey['questionnaire_id']}@{survey['questionnaire_version']}"
                         f" of survey {survey['id']} is not in the questionnaire folder")
        self.survey = survey


class ChangedQuestionnaire(MissingQuestionnaire):
    """A survey's questionnaire file (id and version) is there, but reads otherwise than when the survey was
    created (its digest differs: edited in place, or another copy on this server). Treated as missing: the
    form is not served, no answer is taken, no figure is read from it."""

    def __init__(self, survey: dict, found: str):
        super().__init__(survey)
        self.recorded, self.found = survey["questionnaire_digest"], found
        self.args = (f"questionnaire {self.key} of survey {survey['id']} differs from the one the survey was created"
                     f" with (digest recorded {short(self.recorded)}, found {short(found)}): restore the file as it"
                     f" was when the survey was created, or create a new version (version = {self.next_version})"
                     " for changes",)

    @property
    def key(self) -> str:
        return f"{self.survey['questionnaire_id']}@{self.survey['questionnaire_version']}"

    @property
    def next_version(self) -> int:
        return int(self.survey["questionnaire_version"]) + 1


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
    not_applicable: bool = False  # 不适用 / 未办理过 / 不了解: tallied and shown, outside every denominator


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

    @cached_property  # asked for on every submit (forms.clean_answers)
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)

    def option(self, code: str) -> Option:
        for o in self.options:
            if o.code == code:
                return o
        raise KeyError(code)

    @cached_property
    def scored_codes(self) -> tuple[str, ...]:
        """The codes a rate or score counts: every option but the not-applicable ones, in order."""
        return tuple(o.code for o in self.options if not o.not_applicable)

    @cached_property
    def not_applicable(self) -> frozenset[str]:
        return frozenset(o.code for o in self.options if o.not_applicable)

    @cached_property  # read per answer when scores and α are computed
    def points(self) -> dict[str, float] | None:
        """Option code -> points on the 0-100 ladder, when every option that counts has points."""
        scored = [o for o in self.options if not o.not_applicable]
        if scored and all(o.points is not None for o in scored):
            return {o.code: o.points for o in scored}
        return None

    @property
    def satisfied(self) -> frozenset[str]:
        return frozenset(o.code for o in self.options if o.satisfied)

    @property
    def label(self) -> str:
        return self.short or str(self.text)

    @property
    def heading(self) -> str:
        """The question as a heading or a name in a sentence: '年龄' for '您的年龄：' (its short label when it has one)."""
        if self.short:
            return self.short
        return str(self.text).strip().removeprefix("您的").rstrip("：:？?。（）() ") or self.id


@dataclass(frozen=True)
class Section:
    title: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class HeadlineSpec:
    """What the file declares feeds C51: which item (or weighted combination of items), and whether as a
    score or a rate. The figure computed from it is ``results.Headline``."""

    weights: Mapping[str, float]
    figure: str


@dataclass(frozen=True)
class Composite:
    """A scale of several satisfaction items on one points ladder (``[[composites]]``): Manyi reports its
    internal consistency (Cronbach's α, the item–total correlations). It never feeds C51: that is the
    headline's."""

    id: str
    label: Text
    items: tuple[str, ...]


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: Text
    invitation: Text
    closing: Text
    signature: str
    sections: tuple[Section, ...]
    headline: HeadlineSpec
    composites: tuple[Composite, ...] = ()
    path: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @cached_property  # once per parse: the catalogue keeps the parsed file, every submit compares it
    def digest(self) -> str:
        """SHA-256 of what citizens read and what a stored code means (digest.py); recorded on a survey."""
        return digest(self)

    @cached_property  # once per parse: Catalogue.for_survey asks on every request
    def placeholders(self) -> frozenset[str]:
        """The survey settings its texts name ({year}, {department}, {evaluator}: fill.py)."""
        from .fill import used

        return used(self)

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

    def headline_range(self) -> tuple[float, float]:
        """The lowest and highest points a headline answer can give: the ladder a C51 score lies on."""
        values = [p for qid in self.headline.weights for p in (self.question(qid).points or {}).values()]
        return (float(min(values)), float(max(values))) if values else (0.0, 100.0)
