"""The sample-size planner of the survey settings page (new survey, edit settings).

Two answers: the n that estimates the rate within ± the margin (z²·p(1 − p)/e², as before), and the
n that shows the survey's target with 80 % power at the expected rate (the exact one-sided test that
decides the verdict; ``reports.planning_text`` words it, so the page and 附件3 say the same). The larger
goes into the form's 目标样本量 n; when the form's n cannot show the target even with every answer
satisfied, the page says so plainly.
"""
from __future__ import annotations

from dataclasses import dataclass

import analysis

from ..headline import figure_judged
from ..reports import planning_text
from .forms import PlannerForm


@dataclass(frozen=True)
class Planner:
    form: PlannerForm
    target_pct: float | None      # the target planned for: the planner's, else the survey's
    margin_n: int | None          # None until the planner is asked (or on bad input)
    power_n: int | None
    power_text: str | None
    warning: str | None           # the settings form's target_n cannot show its target


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


def build(args, settings, *, fill: bool, questionnaire=None) -> Planner:
    """The planner from the query string ``args``; with ``fill``, its n goes into ``settings.target_n``.
    ``questionnaire`` (the survey's, or the one chosen for a new survey) tells whether C51 takes a score."""
    target = settings_target(settings)
    population = settings.population.data if not settings.population.errors else None
    defaults = {"plan_t": target, "plan_N": population}
    if target is not None:
        defaults["plan_p"] = round(planning_text.planning_rate(min(target, 99.9)), 2)
    asked = "plan_p" in args
    form = PlannerForm(formdata=args if asked else None, data=defaults)
    margin_n = form.sample_size() if asked else None
    power_n = power_text = None
    target = form.plan_t.data or target
    if margin_n is not None and target is not None:
        true_pct, size = form.plan_p.data, form.plan_N.data
        plan = planning_text.power_plan(target, true_pct, population=size)
        power_n = plan.n if plan else None
        power_text = planning_text.power_sentence(target, true_pct, population=size, plan=plan)
        if fill:
            settings.target_n.data = max(margin_n, power_n or 0)
    if margin_n is not None and fill and form.plan_N.data:  # planned for a population: the warning too
        population = form.plan_N.data
    scale = score_scale(questionnaire, settings.c51_figure.data)
    return Planner(form, target, margin_n, power_n, power_text, _warning(settings, population, scale))


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
