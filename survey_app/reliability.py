"""量表信度 (issue #14 item 4): Cronbach's α and the corrected item–total correlations of a composite the
questionnaire defines (``[[composites]]``, or a headline weighing several items)."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

import analysis

from .questionnaires.model import Composite, Questionnaire, Text


@dataclass(frozen=True)
class Reliability:
    """Cronbach's α of a composite (``alpha`` None with ``error`` when it cannot be computed yet)."""

    composite: Composite
    items: tuple[tuple[str, str], ...]  # (question id, name)
    alpha: float | None
    item_total: tuple[float, ...]  # corrected item–total correlations (NaN for a constant item)
    alpha_if_deleted: tuple[float, ...]
    n: int  # complete rows (every item answered, none 不适用)
    dropped: int  # respondents who answered some items but not all (or chose 不适用)
    error: str | None = None

    @property
    def rows(self) -> tuple[tuple[str, str, float, float], ...]:
        """(question id, name, item–total correlation, α if deleted) per item."""
        return tuple((qid, name, it, ad)
                     for (qid, name), it, ad in zip(self.items, self.item_total, self.alpha_if_deleted))


def composites(questionnaire: Questionnaire) -> tuple[Composite, ...]:
    """The file's ``[[composites]]``, then the headline's items when it weighs several (a composite too)."""
    found = tuple(questionnaire.composites)
    items = tuple(questionnaire.headline.weights)
    if len(items) > 1 and all(set(c.items) != set(items) for c in found):
        found += (Composite("headline", Text(MappingProxyType({"zh-CN": "核心指标各题"})), items),)
    return found


def reliability(questionnaire: Questionnaire, composite: Composite, rows: list[dict]) -> Reliability:
    """α over the respondents ``rows`` (question id -> code): listwise, not-applicable answers as missing."""
    questions = [questionnaire.question(qid) for qid in composite.items]
    matrix, dropped = [], 0
    for row in rows:
        codes = [row.get(q.id) for q in questions]
        if all(c is not None and c in q.points for c, q in zip(codes, questions)):
            matrix.append([q.points[c] for c, q in zip(codes, questions)])
        elif any(c is not None for c in codes):
            dropped += 1
    try:
        r = analysis.cronbach_alpha(matrix)
    except ValueError:
        error = ("回答齐全的有效问卷不足 2 份，暂不能计算信度。" if len(matrix) < 2 else
                 "所有受访者各题得分之和都相同，信度系数无定义。")
        return Reliability(composite, _names(questions), None, (), (), len(matrix), dropped, error)
    return _result(composite, questions, r, dropped)


def _names(questions) -> tuple[tuple[str, str], ...]:
    return tuple((q.id, q.label) for q in questions)


def _result(composite: Composite, questions, r: analysis.Reliability, dropped: int) -> Reliability:
    """The app's ``Reliability`` of analysis' ``r``: no α (and no item figures to read) when an item was
    answered alike by every respondent, naming such items; α is undefined then, not the formula's 0."""
    if r.constant:
        alike = "、".join(f"“{questions[i].label}”" for i in r.constant)
        return Reliability(composite, _names(questions), None, (), (), r.n, dropped,
                           f"Cronbach's α 系数无法计算（{alike}题所有受访者回答相同）。")
    return Reliability(composite, _names(questions), r.alpha, r.item_total, r.alpha_if_deleted, r.n, dropped)


def item_pairs(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """The item pairs whose folded counts give the first composite's α (``reliability_for``)."""
    found = composites(questionnaire)
    items = list(found[0].items) if found else []
    return [(a, b) for i, a in enumerate(items) for b in items[i + 1:]]


def reliability_for(store, survey: dict, questionnaire: Questionnaire, composite: Composite | None = None) -> Reliability | None:
    """α of ``composite`` (default: the questionnaire's first, ``composites``), None when it defines none.

    When every valid respondent answered every item on its ladder (no blank, no 不适用: required items),
    α comes from the tallies and the items' folded pair counts (``store.group_counts``: no answer is read
    once folded; bench/RESULTS.md "Breakdowns at scale"); otherwise from the respondents' rows, listwise."""
    found = (composite,) if composite is not None else composites(questionnaire)
    if not found:
        return None
    composite = found[0]
    from_counts = _from_pair_counts(store, survey["id"], questionnaire, composite)
    if from_counts is not None:
        return from_counts
    return reliability(questionnaire, composite, store.answer_rows(survey["id"], list(composite.items)))


def _from_pair_counts(store, survey_id: int, questionnaire: Questionnaire, composite: Composite) -> Reliability | None:
    questions = [questionnaire.question(qid) for qid in composite.items]
    ladders = [q.points for q in questions]
    valid = store.status_counts(survey_id).get("valid", 0)
    totals = {q.id: {} for q in questions}
    for t in store.tallies(survey_id):
        if t["question_id"] in totals:
            counts = totals[t["question_id"]]
            counts[t["value"]] = counts.get(t["value"], 0) + t["n"]
    if valid < 2 or any(sum(n for code, n in totals[q.id].items() if code in ladder) != valid
                        or sum(totals[q.id].values()) != valid for q, ladder in zip(questions, ladders)):
        return None  # blanks or 不适用 somewhere: listwise deletion needs the rows
    means = [sum(ladder[code] * n for code, n in totals[q.id].items()) / valid for q, ladder in zip(questions, ladders)]
    k = len(questions)
    cov = np.zeros((k, k))
    for i in range(k):
        cov[i, i] = sum(n * (ladders[i][code] - means[i]) ** 2 for code, n in totals[questions[i].id].items()) / (valid - 1)
        for j in range(i + 1, k):
            rows = store.group_counts(survey_id, questions[i].id, questions[j].id)
            if sum(r["n"] for r in rows) != valid:
                return None
            cov[i, j] = cov[j, i] = sum(r["n"] * (ladders[i][r["group_value"]] - means[i]) * (ladders[j][r["value"]] - means[j])
                                        for r in rows) / (valid - 1)
    try:
        r = analysis.cronbach_alpha_from_covariance(cov, valid)
    except ValueError:
        return Reliability(composite, _names(questions), None, (), (), valid, 0, "所有受访者各题得分之和都相同，信度系数无定义。")
    return _result(composite, questions, r, 0)
