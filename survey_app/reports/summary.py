"""The SurveyResult as JSON: counts, percentages, rates and scores with intervals, headline, C51."""
from __future__ import annotations

import json

from ..headline import CONFIDENCE
from ..safetext import utf8_text
from . import unrecorded_text
from .wording import question_number, question_title


def _rate(rate):
    if rate is None:
        return None
    return {"rate": rate.rate, "low": rate.ci.low, "high": rate.ci.high, "n": rate.n,
            "satisfied_count": rate.satisfied_count, "satisfied": sorted(rate.satisfied),
            "method": rate.method, "confidence_level": rate.confidence_level, "population": rate.population}


def _score(score):
    if score is None:
        return None
    return {"score": score.score, "low": score.ci.low, "high": score.ci.high, "n": score.n, "sd": score.sd,
            "method": score.method, "confidence_level": score.confidence_level, "scale": list(score.scale),
            "population": score.population}


def _points(p, unit):
    """C51 points as the province's rule scores them at one figure (the estimate or an interval end), with that
    figure and the target in ``unit`` (the rule reads a score of 97.6 分 as 97.6%).
    ``reaches_target`` is that figure against the target, as the rule reads it: not a verdict (the one verdict
    is the headline's ``verdict``, decided by the one-sided bound)."""
    return {"points": p.points, "maximum": p.maximum, "value": p.value_pct, "target": p.target_pct, "unit": unit,
            "reaches_target": p.met, "rule": p.rule, "reading": p.reading, "formula": p.formula, "sentence": p.sentence,
            "notes": list(p.notes)}


def _question(qr, questionnaire):
    q = qr.question
    return {
        "id": q.id, "number": question_number(questionnaire, q.id), "text": str(q.text),
        "title": question_title(questionnaire, q, str(q.text)),  # 第 7 题 您对…: as the SPSS labels and manyi analyse
        "type": q.type, "role": q.role, "n": qr.n,
        "not_applicable": qr.not_applicable, "unanswered": qr.unanswered,
        "options": [{"code": row.code, "label": str(q.option(row.code).label) if q.options else None,
                     "count": row.count, "percent": row.percent, "points": (q.points or {}).get(row.code),
                     "not_applicable": row.code in q.not_applicable} for row in qr.table.rows],
        "percent_note": qr.table.note,
        "percent_method": qr.table.method,
        "rate": _rate(qr.rate), "top2": _rate(qr.top2), "top3": _rate(qr.top3), "score": _score(qr.score),
    }


def _headline(h, questionnaire):
    if h is None:
        return None
    weights = list(questionnaire.headline.weights)
    item = weights[0] if len(weights) == 1 else None
    return {
        "figure": h.figure, "item": item, "weights": dict(questionnaire.headline.weights), "label": h.label, "satisfied": list(h.satisfied) or None, "unit": h.unit, "value": h.value, "low": h.low,
        "high": h.high, "method": h.method, "n": h.n, "confidence_level": 0.95,
        "target": h.target, "verdict": h.verdict, "verdict_text": h.verdict_text,
        "deciding_bound": {"side": h.judgement.deciding, "value": h.bound, "confidence_level": 0.95,
                           "method": h.judgement.method, "method_text": h.bound_method},
        "p_value": h.judgement.p_value, "population": h.judgement.population, "notes": list(h.notes),
        "n_to_resolve": h.n_to_resolve,
        "c51": {**_points(h.points.at_estimate, h.unit), "points_low": h.points.points_low,
                "points_high": h.points.points_high},
    }


def _fieldwork(field):
    def row(p):
        return {"point": p.name, "opens": p.opens, "returned": p.returned, "valid": p.valid, "issued": p.issued,
                "served": p.served, "completion_rate_pct": p.completion_rate_pct,
                "response_rate_pct": p.response_rate_pct, "scanned": p.scanned, "paper": p.paper, "kiosk": p.kiosk,
                "paper_rate_pct": p.paper_rate_pct}
    return {"points": [row(p) for p in field.points], "total": row(field.total), "shares": field.shares and {
        p.name: field.shares[p.id] for p in field.points if p.id in field.shares}}


def _comparison(c, adjusted_p, marked, direction):
    """A group against the rest of the survey (group − rest), its adjusted p and whether it is marked."""
    if c is None:
        return None
    return {"difference": c.difference, "low": c.low, "high": c.high, "p_value": c.p_value,
            "adjusted_p": adjusted_p, "marked": marked, "direction": direction, "method": c.method,
            "confidence_level": c.confidence_level}


def _group(row):
    """A group's figures; a small group (样本不足) has its n only: its rate and score are null, as they are
    never printed."""
    hide = row.small and row.label is not None
    figures = {name: None if hide else getattr(row, name)
               for name in ("rate", "rate_low", "rate_high", "score", "score_low", "score_high")}
    return {"label": row.label, "n": row.n, "small": row.small, "satisfied": row.satisfied, **figures,
            "rate_difference": _comparison(row.rate_difference, row.adjusted_p, row.marked, row.direction),
            "score_difference": _comparison(row.score_difference, row.score_adjusted_p, row.score_marked,
                                            row.score_direction)}


def _breakdowns(b):
    """The headline item by point and by group (issue #14); None for a composite headline or no answers."""
    if b is None:
        return None
    return {"item": b.item.id, "figure": b.figure, "satisfied": list(b.satisfied), "min_n": b.min_n,
            "adjust": b.adjust, "confidence_level": CONFIDENCE, "method": b.method_text, "notes": list(b.notes),
            "tables": [{"key": t.key, "title": t.title, "group_label": t.group_label,
                        "total": _group(t.result.total), "rows": [_group(r) for r in t.result.rows]}
                       for t in b.tables]}


def _interval(ci):
    return None if ci is None else {"low": ci.low, "high": ci.high}


def _difference(c, significant: bool):
    return None if c is None else {"difference": c.difference, "low": c.low, "high": c.high, "p_value": c.p_value,
                                   "significant": significant, "method": c.method}


def _trend(t):
    """与上年度比较: each item's figures in both surveys with their intervals, and the differences (this − earlier)."""
    if t is None:
        return None
    return {"earlier": {"id": t.earlier["id"], "title": t.earlier["title"], "year": t.earlier.get("year")},
            "when": t.when, "valid_now": t.valid_now, "valid_before": t.valid_before, "confidence_level": CONFIDENCE,
            "rows": [{"item": r.question_id, "label": r.label, "role": r.role, "n_now": r.n_now, "n_before": r.n_before,
                      "satisfied_now": r.satisfied_now, "satisfied_before": r.satisfied_before,
                      "rate_now": r.rate_now, "rate_now_ci": _interval(r.rate_now_ci),
                      "rate_before": r.rate_before, "rate_before_ci": _interval(r.rate_before_ci),
                      "rate_difference": _difference(r.rate, r.rate_significant),
                      "score_now": r.score_now, "score_now_ci": _interval(r.score_now_ci),
                      "score_before": r.score_before, "score_before_ci": _interval(r.score_before_ci),
                      "score_difference": _difference(r.score, r.score_significant)} for r in t.rows]}


def _weighting(k):
    """The headline weighted to the entered population shares, beside the unweighted figure (never deciding)."""
    if k is None:
        return None
    return {"figure": k.figure_label, "decides": False, "note": k.note, "method": k.intervals,
            "unweighted_rate": k.unweighted_rate, "weighted_rate": k.weighted_rate,
            "weighted_rate_ci": _interval(k.weighted_rate_ci), "unweighted_score": k.unweighted_score,
            "weighted_score": k.weighted_score, "weighted_score_ci": _interval(k.weighted_score_ci),
            "unweighted_n": k.unweighted_n, "n": k.n, "left_out": k.left_out, "effective_n": k.effective_n,
            "design_effect": k.design_effect, "raked_questions": [q.id for q in k.questions]}


def _unrecorded(result) -> dict:
    """First in the file when settings were changed outside Manyi (else nothing): ``unrecorded_settings``, their
    keys as manyi verify names them, and ``warning``, the line the other downloads print (manyi analyse repeats it)."""
    if not result.unrecorded:
        return {}
    return {"unrecorded_settings": list(result.unrecorded), "warning": unrecorded_text.warning(result.unrecorded)}


def as_dict(result) -> dict:
    s = result.survey
    design = result.design
    return {
        **_unrecorded(result),
        "survey": {"id": s["id"], "title": s["title"], "department": s.get("department"), "year": s.get("year"),
                   "evaluator_org": s.get("evaluator_org"), "questionnaire": result.questionnaire.key,
                   "target": s.get("target"), "target_n": s.get("target_n"), "rule": s.get("rule"),
                   "population": s.get("population")},
        "computed_at": result.computed_at,
        "digest": None if result.digest is None else {"responses": result.digest[0], "sha256": result.digest[1]},
        "fieldwork": _fieldwork(result.fieldwork),
        "counts": {"returned": result.returned, "valid": result.valid,
                   "excluded": result.excluded, "valid_rate_pct": result.valid_rate_pct},
        "points": [{"name": p.name, "returned": p.returned, "valid": p.valid} for p in result.points],
        "daily": [{"date": day, "point": point, "valid": n} for day, point, n in result.daily],
        "questions": [_question(qr, result.questionnaire) for qr in result.questions],
        "headline": _headline(result.headline, result.questionnaire),
        "design": None if design is None else {
            "rate": design.rate, "low": design.ci.low, "high": design.ci.high, "n": design.n,
            "groups": design.groups, "design_effect": design.design_effect, "effective_n": design.effective_n,
            "method": design.method},
        "breakdowns": _breakdowns(result.breakdowns),
        "trend": _trend(result.trend),
        "weighting": _weighting(result.raked),
    }


def write(export, out) -> None:
    text = json.dumps(as_dict(export.result), ensure_ascii=False, indent=2)
    out.write(utf8_text(text).encode("utf-8"))  # a lone surrogate in stored text as U+FFFD


def write_receipt(export, out) -> None:
    """The signed receipt of the survey's chains (store/receipts.py), for the evaluated department to keep."""
    out.write(json.dumps(export.result.receipt, ensure_ascii=False, indent=2).encode("utf-8"))
