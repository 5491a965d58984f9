"""The sample-size planner of the survey settings page (new survey, edit settings).

Two answers for the figure C51 takes (``headline.figure_judged``, as the questionnaire's [headline] figure and the
survey's setting say): for a rate, the n that estimates it within ± the margin in 个百分点 (z²·p(1 − p)/e²) and the
n that shows its target with 80 % power at the expected rate (the exact one-sided test that decides the verdict);
for a score, the n that estimates it within ± the margin in 分 (z²·s²/e², ``analysis.score_sample_size``, s from
the assumed answers) and the n that shows its target with 80 % power by the score verdict (Gaffke's bound), both
under an
assumed answer distribution the page shows and the evaluator can change (``plan_d``): by default the
answers of the earlier survey this one is compared with (与上年度比较), else this survey's answers so far,
else a stated spread (``analysis.ladder_spread``) with a mean of target + 2 points. ``reports.planning_text``
words it, so the page and 附件3 say the same n for the same answers. The larger n goes into the form's
目标样本量 n; when the form's n cannot show the target even with every answer at the top, the page says so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import analysis
from analysis.formatting import num
from flask import g
from wtforms.validators import Optional

from .. import percent, questionnaires
from ..headline import figure_judged
from ..reports import planning_text
from ..store import get_store
from ..trend import headline_item
from .forms import FIGURE_LABELS, PlannerForm, questionnaire_label


@dataclass(frozen=True)
class Planner:
    form: PlannerForm
    target_pct: float | None      # the target planned for: the planner's, else the survey's
    margin_n: int | None          # None until the planner is asked (or on bad input)
    power_n: int | None
    power_text: str | None
    warning: str | None           # the settings form's target_n cannot show its target
    ladder: str | None = None     # a score's plan: the options plan_d lists, e.g. "A/B/C/D/E"
    margin_text: str | None = None  # a score's margin plan, in 分 (a rate's is worded by the page from the form)
    score: bool = False           # C51 takes the score: the page asks for no rate and plans the score first
    planned_for: str | None = None  # the questionnaire planned for, as the settings form offers it


def carried(args, catalogue=None) -> dict:
    """The settings the plan depends on that the planner's own form carries (``questionnaire`` and
    ``c51_figure``, as chosen on the page when 估算 was pressed), where they are among the settings form's
    choices: the settings form opens with them, so the plan and the form below it speak of one questionnaire.
    Anything else in them is ignored."""
    found = {}
    if catalogue is not None and args.get("questionnaire") in catalogue:
        found["questionnaire"] = args["questionnaire"]
    if args.get("c51_figure") in FIGURE_LABELS:
        found["c51_figure"] = args["c51_figure"]
    return found


@dataclass(frozen=True)
class Assumed:
    """The answer distribution a score is planned for: the ladder (code → points), shares per code, whence."""

    points: dict
    shares: dict
    source: str

    def text(self) -> str:
        return "/".join(num(round(100 * self.shares.get(code, 0.0), 1)) for code in self.points)


def settings_target(form) -> float | None:
    """The survey's target (%) as the settings form holds it: its own, else its rule's."""
    if form.target.data is not None and not form.target.errors:
        return float(form.target.data)
    rule = analysis.RULES.get(form.rule.data)
    return float(rule.target_pct) if rule else None


def score_scale(questionnaire, figure: str | None) -> tuple[float, float] | None:
    """The ladder's (lowest, highest) when C51 takes the score (``figure`` as the settings say), else None."""
    if questionnaire is None:
        return None
    return questionnaire.headline_range() if figure_judged(figure, questionnaire) == "score" else None


def build(args, settings, *, fill: bool, questionnaire=None, survey: dict | None = None) -> Planner:
    """The planner from the query string ``args``; with ``fill``, its n goes into ``settings.target_n``.
    ``questionnaire`` (the survey's, or the one chosen for a new survey) tells whether C51 takes a score;
    ``survey`` (when editing one) gives the answers a score is planned for."""
    target = settings_target(settings)
    population = settings.population.data if not settings.population.errors else None
    defaults = {"plan_t": target, "plan_N": population}
    if target is not None:
        defaults["plan_p"] = round(planning_text.planning_rate(min(target, 99.9)), 2)
    asked = "plan_p" in args or "plan_e" in args
    form = PlannerForm(formdata=args if asked else None, data=defaults)
    scale = score_scale(questionnaire, settings.c51_figure.data)
    if scale is not None:  # the target and the margin are a score's: in 分; no rate is asked for
        form.unit, form.plan_t.label.text, form.plan_e.label.text = percent.SCORE, "目标值（分）", "允许误差 ±（分）"
        form.plan_p.validators = [Optional()]
    valid = asked and form.validate()
    margin_n = power_n = power_text = margin_text = None
    target = form.plan_t.data if form.plan_t.data is not None and not form.plan_t.errors else target
    default = assumed_answers(questionnaire, survey, target) if scale and target is not None else None
    if default is not None:
        form.plan_d.data = form.plan_d.data or default.text()   # shown, and what the evaluator may change
    size = form.plan_N.data
    if valid and scale is None:
        margin_n = analysis.sample_size(expected_rate=form.plan_p.data / 100, margin=form.plan_e.data / 100,
                                        population=size)
        if target is not None:
            true_pct = form.plan_p.data
            plan = planning_text.power_plan(target, true_pct, population=size)
            power_n = plan.n if plan else None
            power_text = planning_text.power_sentence(target, true_pct, population=size, plan=plan)
    elif valid and target is not None:  # C51 takes the score: its margin in 分 and its verdict's power
        assumed = _assumed(form, default)
        if assumed is not None:
            values, shares = list(assumed.points.values()), [assumed.shares.get(c, 0.0) for c in assumed.points]
            margin_n, margin_text = planning_text.score_margin_plan(values, shares, form.plan_e.data, assumed.source,
                                                                    population=size)
        if assumed is not None or default is None:
            power_n, power_text = _score_plan(assumed, target, scale, size)
    if fill and (margin_n or power_n):
        settings.target_n.data = max(margin_n or 0, power_n or 0)
    if valid and fill and size:  # planned for a population: the warning too
        population = size
    ladder = "/".join(default.points) if default else None
    return Planner(form, target, margin_n, power_n, power_text, _warning(settings, population, scale), ladder,
                   margin_text, scale is not None, questionnaire_label(questionnaire) if questionnaire else None)


def assumed_answers(questionnaire, survey: dict | None, target: float) -> Assumed | None:
    """The default distribution of the C51 item's answers (the heaviest item of a composite): the compared
    earlier survey's, else this survey's so far, else ``analysis.ladder_spread`` at ``planning_score``."""
    item = headline_item(questionnaire)
    points = questionnaire.question(item).points
    if not points:
        return None
    of = "" if len(questionnaire.headline.weights) == 1 else f"（综合得分按权重最大的题目 {item} 估算）"
    store = get_store() if survey else None
    earlier = store.get_survey(survey["compare_with"]) if survey and survey.get("compare_with") else None
    if earlier is not None and not store.can_see(g.current_user["id"], earlier["id"]):
        earlier = None  # granted no longer (or to another evaluator): neither its title nor its answers
    if earlier is not None:
        try:
            same = questionnaires.catalogue().for_survey(earlier).question(item).points == points
        except (KeyError, LookupError, questionnaires.MissingQuestionnaire):
            same = False
        counts = _counts(store, earlier["id"], item, points) if same else {}
        if sum(counts.values()):
            return Assumed(points, _shares(counts), f"所比较的较早调查“{earlier['title']}”的答案分布{of}")
    counts = _counts(store, survey["id"], item, points) if survey else {}
    if sum(counts.values()):
        return Assumed(points, _shares(counts), planning_text.ANSWERS_NOW + of)
    top, bottom = max(points.values()), min(points.values())
    score = planning_text.planning_score(target, top)
    if not bottom < score < top:
        return None
    values = list(points.values())
    spread = dict(zip(points, analysis.ladder_spread(values, score)))
    return Assumed(points, spread, f"假定的分布（平均得分取目标加 2 分，各档人数按同一比例逐档递减）{of}")


def _counts(store, survey_id: int, item: str, points: dict) -> dict:
    counts = {code: 0 for code in points}
    for row in store.tallies(survey_id):
        if row["question_id"] == item and row["value"] in counts:
            counts[row["value"]] += row["n"]
    return counts


def _shares(counts: dict) -> dict:
    total = sum(counts.values())
    return {code: n / total for code, n in counts.items()}


def _assumed(form, default: Assumed | None) -> Assumed | None:
    """The distribution a score is planned for: the default's own shares when the evaluator left ``plan_d`` as
    shown, else the one typed (None, with the message on ``plan_d``, when it does not fit the ladder)."""
    if default is None or form.plan_d.data == default.text():
        return default
    parts = [p for p in re.split(r"[/,，、\s]+", form.plan_d.data or "") if p]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != len(default.points) or min(values) < 0 or not 99 <= sum(values) <= 101:
        form.plan_d.errors = list(form.plan_d.errors) + [
            f"答案分布请按 {'/'.join(default.points)} 的顺序填写各选项的百分比，合计 100，如 {default.text()}。"]
        return None
    return Assumed(default.points, dict(zip(default.points, values)), "所填的分布")


def _score_plan(assumed: Assumed | None, target: float, scale, size) -> tuple[int | None, str | None]:
    """The score's power n and sentence for the distribution ``assumed`` (None: none can reach the target)."""
    if assumed is None:
        return None, f"答案分布的平均得分无法高于目标 {num(target)} 分，任何样本量都无法以足够的检验效能证明满意度得分达到目标。"
    values = [assumed.points[code] for code in assumed.points]
    shares = [assumed.shares.get(code, 0.0) for code in assumed.points]
    plan = planning_text.score_power_plan(target, values, shares, scale, population=size)
    return plan.n, planning_text.score_power_sentence(target, values, shares, scale, assumed.source, population=size,
                                                      plan=plan)


def _warning(settings, population: int | None, scale: tuple[float, float] | None) -> str | None:
    """The plain sentence when the form's n cannot show its target, else None (for a score: every answer
    at the top of ``scale`` still below the target)."""
    n, target = settings.target_n.data, settings_target(settings)
    if settings.target_n.errors or not isinstance(n, int) or n < 1 or target is None:
        return None
    if population is not None and n >= population:
        return None  # a census: no sampling error
    if scale is not None:
        if planning_text.score_ceiling(n, scale, population) >= target:
            return None
        return "目标样本量 " + planning_text.score_ceiling_sentence(n, target, scale, population)
    if target < 100:
        # Without replacement, all n satisfied bound the rate higher than α^(1/n), so what the binomial
        # test can show, the population's can too: the exact check is only needed for small n.
        if analysis.min_successes_to_show(n, target=target / 100) is not None:
            return None
        if population is not None and analysis.min_successes_to_show(
                n, target=target / 100, population=population) is not None:
            return None
    sentence = planning_text.ceiling_sentence(n, target, population=population)
    return "目标样本量 " + sentence if target < 100 else sentence
