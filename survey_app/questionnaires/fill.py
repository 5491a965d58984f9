"""Questionnaire texts that name the survey: ``{year}``, ``{department}`` and ``{evaluator}`` in a file's texts
are filled from the survey's settings (评价年度, 被评价单位, 评价机构) wherever a survey's questionnaire is read
(``Catalogue.for_survey``): the citizen's form, the questionnaire at the end of 附件3, the downloads' labels.
One file then serves every year and every department that asks the same questions; a file without them
reads as written.

    title = "{year} 年{department}部门整体绩效评价满意度问卷调查"

The digest stays the file's (digest.py): what is filled in comes from the survey's own settings, which the
survey's chain covers. A name in braces that is not one of these is an error in the file (a typo would
otherwise reach citizens as "{yaer}"); other braces, such as "{ 1 }", are text.
"""
from __future__ import annotations

import dataclasses
import re
from types import MappingProxyType

from .model import Questionnaire, Text

# placeholder -> (the survey's setting, its name on the settings page)
PLACEHOLDERS = {"year": ("year", "评价年度"), "department": ("department", "被评价单位"),
                "evaluator": ("evaluator_org", "评价机构")}
_TOKEN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def unknown(text: str) -> list[str]:
    """The names in braces in ``text`` that are not placeholders, e.g. ``["yaer"]``."""
    return [name for name in _TOKEN.findall(text) if name not in PLACEHOLDERS]


def rewritten(value, change):
    """``value`` (a questionnaire or any part of it) with ``change`` applied to each of its strings (Text
    values, str fields), recursively: the one walk over a questionnaire's texts."""
    if isinstance(value, Text):
        return Text(MappingProxyType({k: change(v) for k, v in value.values.items()}))
    if isinstance(value, str):
        return change(value)
    if isinstance(value, tuple):
        return tuple(rewritten(item, change) for item in value)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{f.name: rewritten(getattr(value, f.name), change)
                                             for f in dataclasses.fields(value) if f.init})
    return value


def texts(value) -> list[str]:
    """Every string of a model value (Text values, str fields), recursively."""
    found: list[str] = []
    rewritten(value, lambda text: found.append(text) or text)
    return found


def used(q: Questionnaire) -> frozenset[str]:
    """The placeholders ``q``'s texts use."""
    return frozenset(name for text in texts(q) for name in _TOKEN.findall(text) if name in PLACEHOLDERS)


def values_of(survey: dict) -> dict[str, str]:
    """The placeholders' values for ``survey`` (empty where its setting is empty)."""
    out = {}
    for name, (setting, _) in PLACEHOLDERS.items():
        value = survey.get(setting)
        out[name] = "" if value is None else str(value).strip()
    return out


def missing(q: Questionnaire, survey: dict) -> list[str]:
    """The settings ("year", "department", "evaluator_org") that ``q``'s texts use and ``survey`` leaves empty."""
    values = values_of(survey)
    return [PLACEHOLDERS[name][0] for name in PLACEHOLDERS if name in q.placeholders and not values[name]]


def missing_message(setting: str) -> str:
    """The settings page's message beside an empty ``setting`` that the questionnaire's texts name."""
    name, label = next((n, lab) for n, (s, lab) in PLACEHOLDERS.items() if s == setting)
    return f"所选问卷的文字写有{label}（{{{name}}}），群众会在问卷上看到：请填写。"


def _replace(text: str, values: dict[str, str]) -> str:
    return _TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def fill(q: Questionnaire, survey: dict) -> Questionnaire:
    """``q`` with its placeholders replaced by ``survey``'s settings; ``q`` itself when it has none. The copy
    keeps ``q``'s digest and path. An empty setting fills in as nothing (a survey is not created, nor its
    settings saved, while a setting its questionnaire names is empty: ``missing``)."""
    if not q.placeholders:
        return q
    values = values_of(survey)
    copy = rewritten(q, lambda text: _replace(text, values))
    copy.__dict__["digest"] = q.digest  # the file's digest, as recorded on the survey (a cached_property)
    return copy


def preview(text: str) -> str:
    """``text`` with each placeholder shown as the setting it takes: "【评价年度】年【被评价单位】…" (the questionnaire
    list on the new-survey page)."""
    return re.sub(r"】 +", "】", _replace(text, {name: f"【{label}】" for name, (_, label) in PLACEHOLDERS.items()}))


def other_years(q: Questionnaire, year) -> list[str]:
    """Years the citizen-facing texts of ``q`` (filled for its survey) name other than the survey's ``year``:
    a 2024 questionnaire chosen for a 2025 survey."""
    if not year:
        return []
    said = re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", " ".join(
        [str(q.title), str(q.invitation)] + [str(question.text) for question in q.questions]))
    return sorted(set(said) - {str(year)})


def year_note(q: Questionnaire, year) -> str:
    """The evaluator's warning when ``other_years`` finds any, else ""."""
    other = other_years(q, year)
    if not other:
        return ""
    return (f"注意：群众看到的问卷文字写的是 {'、'.join(other)} 年，本调查的评价年度为 {year} 年。请改选按评价年度自动"
            "填写年份和单位的问卷（列表中以【评价年度】开头，如 healthcare-security-public），或请管理员复制问卷文件、"
            "改正年份后以新问卷创建本调查（questionnaires/README.md）。")


def signature_note(q: Questionnaire, evaluator_org) -> str:
    """The evaluator's warning when the form is signed (落款) by a firm other than the survey's 评价机构: a file
    written for another evaluation (nanchang-window signs 江西正效咨询管理有限公司) chosen by another firm. Citizens
    read that name under the form while the poster names the survey's firm, and the annex prints it as the
    questionnaire's author and under the questionnaire appended."""
    signed, org = (q.signature or "").strip(), (evaluator_org or "").strip()
    if not signed or not org or signed == org:
        return ""
    return (f"注意：群众看到的问卷落款是“{signed}”，本项目的评价机构是“{org}”（二维码海报写的是后者）；附件3 的"
            "“问卷的设计”一段和文末所附问卷也写这个落款。请改选落款按评价机构自动填写的问卷（如 "
            "healthcare-security-public），或请管理员复制问卷文件、将落款改为 signature = \"{evaluator}\" 后以新问卷"
            "创建本调查（questionnaires/README.md）。")
