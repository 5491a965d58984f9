"""``python -m analysis FILE`` / ``manyi analyse FILE``: per item, the table, rate, score, verdict and points.

Example::

    python -m analysis analysis/examples/yining_2024.json
    python -m analysis counts.csv --rule jiangxi-window --reading floor --json

File formats (see analysis/README.md): JSON ``{"items": [{"id", "label", "counts", "points", "satisfied"}]}``,
CSV with columns ``item,option,count`` and optional ``points``, ``satisfied``, ``label``, or a survey's JSON
download (结果 JSON), whose rule, target, population and C51 figure become the defaults.

Each item gets one verdict, on the figure that feeds the rule (``--points-from``), from
``analysis.verdicts`` — the same function the dashboard and the documents call.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys

from . import _checks, fpc
from ._text import reading_text, value_text
from .inputs import load_items
from .hypergeometric import METHOD as HYPERGEOMETRIC, interval_text
from .intervals import METHODS
from .rates import satisfaction_rate
from .formatting import num, num_below, pct, pct_below, span
from .rules import DEFAULT_RULE, READINGS, RULES, resolve_rule, verdict_points
from .scores import METHODS as SCORE_METHODS
from .scores import satisfaction_score
from .tables import percent_table
from .verdicts import CENSUS, rate_verdict, score_verdict, verdict_text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="manyi analyse", description="Satisfaction rates, scores, intervals, target verdicts and "
        "indicator points from answer counts (JSON or CSV; see analysis/README.md).",
        epilog=f"example: python -m analysis analysis/examples/yining_2024.json --rule {DEFAULT_RULE}")
    parser.add_argument("file", help="counts file, .json or .csv")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.add_argument("--rule", default=None,
                        help=f"points rule preset: {', '.join(RULES)} (default: the file's, else {DEFAULT_RULE})")
    parser.add_argument("--reading", default="linear", choices=READINGS, help="reading of 'each 1%% below'")
    parser.add_argument("--target", type=float, default=None,
                        help="target in percent, read as 分 for a score (default: the file's, else the rule's); used by the verdict and the rule")
    parser.add_argument("--confidence-level", type=float, default=0.95)
    parser.add_argument("--method", default="clopper-pearson", choices=METHODS,
                        help="interval for the rate (clopper-pearson: the exact one, as the verdict's bounds and the app; "
                             "with a population N: the exact hypergeometric one)")
    parser.add_argument("--score-method", default="gaffke", choices=SCORE_METHODS,
                        help="interval for the score (gaffke: the method of the score's verdict)")
    parser.add_argument("--seed", type=int, default=None, help="seed for --score-method bca/percentile")
    parser.add_argument("--population", type=int, default=None,
                        help="population size N (exact hypergeometric rate intervals and bounds; finite-population "
                             "correction of scores); overrides the file's")
    parser.add_argument("--simple", action="store_true",
                        help="judge a download whose C51 figure is stratified by the points' 办件量 from its totals, or is a"
                             " weighted composite item by item, anyway (not the figure that decides)")
    parser.add_argument("--points-from", default=None, choices=("score", "rate"),
                        help="which figure the rule scores and the verdict judges: the 0-100 score (the "
                             "default, as in the Yining working paper) or the rate; the rate is used when "
                             "the ladder is not 0-100 (a survey download names its own)")
    return parser


def main(argv=None) -> int:
    """Run the analysis command; returns the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:          # --help (0) or a usage error (2): return it, callers decide
        return stop.code if isinstance(stop.code, int) else 2
    try:
        document = load_items(args.file)
        report = analyse(document, args)
    except (OSError, ValueError) as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    if document["warning"]:  # a download whose survey's settings were changed outside Manyi says so first
        print(f"{parser.prog}: warning: {document['warning']}", file=sys.stderr)
    if args.json:
        print(json.dumps(_in_units(_plain(report)), ensure_ascii=False, indent=2))
    else:
        print(render(report))
    return 0


def analyse(document: dict, args) -> dict:
    defaults = document.get("defaults") or {}
    strata = defaults.get("stratified")
    if strata and not getattr(args, "simple", False):
        value = "?" if strata.get("value") is None else value_text(strata["value"], strata.get("figure") or "rate")
        raise ValueError(f"this download's C51 figure is stratified by the points' 办件量 ({strata.get('label')} {value}:"
                         f" {strata.get('verdict_text')}); the file holds totals only, which give another estimate."
                         " That verdict stands; pass --simple to judge the totals anyway")
    composite = defaults.get("composite")
    if composite and not getattr(args, "simple", False):
        value = "?" if composite.get("value") is None else value_text(composite["value"], composite.get("figure") or "score")
        items = " + ".join(f"{num(w)}×{name}" for name, w in (composite.get("weights") or {}).items()) or "several items"
        raise ValueError(f"this download's C51 figure is a weighted composite of {items} ({composite.get('label')} {value}:"
                         f" {composite.get('verdict_text')}), computed from each respondent's answers, which the file does"
                         " not hold. That verdict stands; pass --simple to judge the items one by one anyway")
    rule = resolve_rule(args.rule or defaults.get("rule") or DEFAULT_RULE)
    target = args.target if args.target is not None else defaults.get("target_pct")
    if target is not None:
        if 0 < target <= 1:  # a fraction typed for a percentage (one satisfied answer would reach 0.95 %)
            raise ValueError(f"--target is a percentage: for 95 % give 95, not {num(target, 6)} (目标值按百分数填写)")
        if not 0 < target <= 100:
            raise ValueError(f"--target is a percentage in (0, 100], got {num(target)}")
        rule = dataclasses.replace(rule, target_pct=float(target))
    args.points_from = args.points_from or defaults.get("points_from") or "score"
    level = _checks.confidence_level(args.confidence_level)
    population = args.population if args.population is not None else document.get("population")
    rng = None
    if args.score_method != "t":
        import numpy as np

        rng = np.random.default_rng(args.seed)
    items, left_out = [], [f"{item['name']} ({item['role']})" for item in document["items"] if item["role"] != "satisfaction"]
    for item in document["items"]:
        if item["role"] != "satisfaction":  # an awareness item's 知晓率 is no satisfaction: no verdict, no C51
            continue
        where = f"item {item['id']!r}: "
        try:
            items.append(_one(item, rule, args, level, population, rng))
        except ValueError as error:
            raise ValueError(where + str(error)) from None
    settings = {"rule": rule.name, "rule_title": rule.display_name, "rule_text": rule.text, "reading": args.reading, "target_pct": rule.target_pct,
                "confidence_level": level, "method": args.method, "score_method": args.score_method,
                "seed": args.seed, "population": population, "points_from": args.points_from}
    if not items:
        raise ValueError("no satisfaction item to analyse (items of another \"role\" are left out)")
    return {"title": document.get("title"), "settings": settings, "items": items, "left_out": left_out}


def _in_units(report: dict) -> dict:
    """The JSON's C51 figures in their own unit: a score's in 分, never under a key that says percent."""
    for it in report["items"]:
        unit = "%" if it["points_basis"] == "rate" else "分"
        for which in ("at_low", "at_estimate", "at_high"):
            d = it["points"][which]
            d["value"], d["target"], d["unit"] = d.pop("value_pct"), d.pop("target_pct"), unit
    return report


def _one(item, rule, args, level, population, rng) -> dict:
    counts = item["counts"]
    table = percent_table(counts)
    rate = satisfaction_rate(counts, satisfied=item["satisfied"], confidence_level=level, method=args.method,
                             population=population)
    score = None
    if item["points"] is not None:
        score = satisfaction_score(counts, points=item["points"], confidence_level=level, method=args.score_method,
                                   population=population, rng=rng)
    use_score = args.points_from == "score" and score is not None and score.scale[0] >= 0 and score.scale[1] == 100
    if use_score:
        judged = score_verdict(_for_verdict(score, counts, item["points"], level, population), target=rule.target_pct,
                               confidence_level=level)
    else:
        judged = rate_verdict(rate.satisfied_count, rate.n, target=rule.target_pct / 100, confidence_level=level,
                              population=population, interval_method=args.method)
    labels = item.get("figure_label") or {}   # a download's C51 figure as the dashboard names it: 满意率（前三项）
    points = verdict_points(judged, rule=rule, reading=args.reading, label=labels.get(judged.figure))
    rate_label = labels.get("rate") or f"满意率, {'+'.join(map(str, rate.satisfied))}"
    return {"id": item["id"], "label": item["label"], "name": item["name"], "n": table.n, "table": table, "rate": rate, "score": score,
            "rate_label": rate_label,
            "verdict": judged, "points_basis": judged.figure, "points": points}


def _for_verdict(score, counts, points, level, population):
    """The score the verdict reads: the same answers without the bootstrap (its intervals are shown, never judged)."""
    if score.method in ("t", "gaffke"):
        return score
    return satisfaction_score(counts, points=points, confidence_level=level, population=population, method="gaffke")


# a score's deciding bound by its method's name (a rate's verdict names its method in words already)
_BOUND_WORDS = {"gaffke": "Gaffke's exact one-sided bound for a bounded mean",
                "t": "one-sided t bound, clipped to the scale"}


def render(report: dict) -> str:
    s = report["settings"]
    level = f"{num(100 * s['confidence_level'], 4)}%"
    lines = [report["title"]] if report.get("title") else []
    for it in report["items"]:
        lines += ["", f"{it['name']}  (n = {it['n']})", "  option   count  percent"]
        lines += [f"  {str(r.code):<7}{r.count:>7}  {pct(r.percent):>7}" for r in it["table"].rows]
        lines.append(f"  {'total':<7}{it['n']:>7}  {pct(it['table'].total_percent):>7}")
        lines += [f"  ({it['table'].note})"] if it["table"].note else []
        rate, score, points = it["rate"], it["score"], it["points"]
        census = it["verdict"].census   # n = N: no sampling error, no interval
        method = interval_text(rate.population) if rate.method == HYPERGEOMETRIC else rate.method
        t = s["target_pct"]  # below the target, a rate or a score never prints as reaching it (pct_below)
        lines.append(f"  rate ({it['rate_label']}): {pct_below(100 * rate.rate, t)}  " + (
            CENSUS if census else f"{level} CI {span(100 * rate.ci.low, 100 * rate.ci.high, '%', t)} ({method})"))
        if score is not None:
            clip = f", clipped to {num(score.scale[0])}–{num(score.scale[1])}" if score.clipped else ""
            shown = "" if score.method == "gaffke" else "; shown only: the verdict reads Gaffke's bound"
            note = fpc.interval_note(score)  # as the page says
            shown += f"; {note}" if note else ""
            lines.append(f"  score (满意度得分): {num_below(score.score, t)} 分  " + (CENSUS if census else (
                f"{level} CI {span(score.ci.low, score.ci.high, '分', t)} ({score.method}{clip}{shown})")))
        else:
            lines.append("  score: not computed (no points ladder for these option codes)")
        v = it["verdict"]
        resolve = (f"; at the observed rate n = {v.n_to_resolve} would settle it about half the time"
                   if v.n_to_resolve else "")
        target = (f"{num(s['target_pct'])}%" if v.figure == "rate"
                  else f"{num(s['target_pct'])} 分 (the rule's {num(s['target_pct'])}% read as 分)")
        lines.append(f"  target ≥ {target} (the {v.figure}): {v.verdict_zh} — {verdict_text(v)} "
                     f"[{_BOUND_WORDS.get(v.method, v.method)}]{resolve}")
        now = points.at_estimate
        value = (pct_below(now.value_pct, t) if it["points_basis"] == "rate"
                 else f"{num_below(now.value_pct, t)} 分")
        lines.append(f"  points ({s['rule_title']}, {reading_text(now.reading)}, from the {it['points_basis']} "
                     f"{value}): {num(now.points)} of {num(now.maximum)}; at the interval's ends "
                     f"{num(points.points_low)} and {num(points.points_high)}")  # as the page and the documents
        lines.append(f"  formula: {now.formula}")
        lines.append(f"  底稿: {now.sentence}")
        lines += [f"  note: {note}" for note in now.notes]
    if report.get("left_out"):
        lines += ["", f"not analysed (not satisfaction items): {', '.join(report['left_out'])}"]
    lines += ["", f"rule {s['rule_title']} (--rule {s['rule']}): {s['rule_text']}"]
    return "\n".join(lines)


def _plain(value):
    """Results -> JSON-ready data (dataclasses to dicts, tuples to lists, inf/nan to None)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in ("verdict_zh", "deciding", "bound", "total_percent", "points", "points_low", "points_high",
                     "spread"):
            if hasattr(type(value), name) and isinstance(getattr(type(value), name), property):
                data[name] = _plain(getattr(value, name))
        return data
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
