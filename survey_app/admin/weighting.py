"""加权估计: the evaluator enters the population shares of the options of one or two demographic questions
(e.g. 性别 and 年龄 from the department's client records) and where they come from; Manyi rakes the stored
answers with them before saving (a bad share, an empty level or a raking that does not converge shows its
message and saves nothing). The figures are shown on the dashboard beside the unweighted ones and never
decide the verdict (survey_app/weighting.py)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from analysis.formatting import num

from .. import questionnaires, reliability, weighting
from ..safetext import clean_line
from ..store import Audit, get_store
from ..store.margins import AUDIT_ACTION, MAX_QUESTIONS
from .auth import login_required, survey_or_404
from .forms import PercentText
from .shared import acting_user

bp = Blueprint("weighting", __name__)  # /admin/surveys/<id>/weighting
SUM_SLACK = 0.1  # percentage points: 33.3 + 33.3 + 33.4 = 100, 33.3 × 3 = 99.9 (shares are rescaled to 100)
SOURCE_PREFIX = "来源："


def share_value(form, field):
    if field.data is None:
        return
    if not math.isfinite(field.data):
        raise ValidationError("请输入数字。")
    if field.data < 0:
        raise ValidationError("占比不能为负数。")
    if field.data > 100:
        raise ValidationError("占比不能超过 100%。")


class WeightingForm(FlaskForm):
    """The page's fixed field; ``form_for`` adds a checkbox per demographic question and a share (%) per option."""

    source = StringField("总体占比的来源", filters=[clean_line], validators=[
        DataRequired("请填写总体占比的来源，如“部门服务对象台账”。"), Length(max=200, message="来源请控制在 200 字以内。")])

    questions: tuple = ()  # the questionnaire's eligible questions (``form_for``)
    problems: tuple = ()  # what ``validate`` found across fields, in Chinese

    def validate(self, extra_validators=None) -> bool:
        fine = super().validate(extra_validators)
        self.problems = []
        chosen = [q for q in self.questions if self[f"use_{q.id}"].data]
        if not chosen:
            self.problems.append(f"请勾选用于加权的基本信息题（1–{MAX_QUESTIONS} 道）。")
        elif len(chosen) > MAX_QUESTIONS:
            self.problems.append(f"最多选择 {MAX_QUESTIONS} 道题加权（现选了 {len(chosen)} 道）：题越多，每个组合的人越少。")
        for q in chosen:
            fields = [self[f"share_{q.id}_{code}"] for code in q.codes]
            if any(f.errors for f in fields):
                continue
            blank = [str(q.option(code).label) for code, f in zip(q.codes, fields) if f.data is None]
            if blank:
                self.problems.append(f"请填写“{q.heading}”每个选项的总体占比（缺：{'、'.join(blank)}；没有这类人请填 0）。")
                continue
            total = sum(f.data for f in fields)
            if abs(total - 100) > SUM_SLACK + 1e-9:
                self.problems.append(f"“{q.heading}”各选项的总体占比合计为 {num(total, 2)}%，"
                                     f"应为 100%（允许相差 ±{SUM_SLACK:g}）。")
        names = {f"share_{q.id}_{code}" for q in self.questions for code in q.codes}
        for key in request.form:
            if key.startswith("share_") and key not in names:
                self.problems.append(f"提交的占比 {key.removeprefix('share_')} 不对应本问卷任何基本信息题的选项，请刷新页面后重新填写。")
        return fine and not self.problems

    def margins(self) -> dict[str, dict[str, float]]:
        """question id -> {code: share (0–1)} of the ticked questions."""
        return {q.id: {code: self[f"share_{q.id}_{code}"].data / 100 for code in q.codes}
                for q in self.questions if self[f"use_{q.id}"].data}


class ClearForm(FlaskForm):
    """Clear the survey's margins (CSRF token only)."""


def eligible(questionnaire) -> list:
    """The questions a survey can be raked on: single-choice demographic ones."""
    return [q for q in questionnaire.questions if q.role == "demographic" and q.type == "single"]


def form_for(questionnaire, **kwargs) -> WeightingForm:
    """A WeightingForm with this questionnaire's fields (built per request: an evaluator's page, rarely seen)."""
    attrs = {}
    for q in eligible(questionnaire):
        attrs[f"use_{q.id}"] = BooleanField(f"用“{q.heading}”加权")
        for code in q.codes:
            attrs[f"share_{q.id}_{code}"] = PercentText(str(q.option(code).label), invalid_value_message="请输入数字。",
                                                       validators=[Optional(), share_value])
    form = type("WeightingForm_" + questionnaire.id.replace("-", "_"), (WeightingForm,), attrs)(**kwargs)
    form.questions = eligible(questionnaire)
    return form


def _stored(database, survey_id: int) -> dict:
    """The form's data from the stored margins and the source written in their audit line."""
    data = {}
    for qid, shares in database.population_margins(survey_id).items():
        data[f"use_{qid}"] = True
        data.update({f"share_{qid}_{code}": round(100 * share, 4) for code, share in shares.items()})
    entry = database.population_margins_entry(survey_id) if data else None
    if entry and source_of(entry["detail"]):
        data["source"] = source_of(entry["detail"])
    return data


def _sample(database, survey_id: int) -> dict:
    """question id -> {code: valid answers}: what the evaluator sees beside each share."""
    counts: dict = {}
    for t in database.tallies(survey_id):
        by_code = counts.setdefault(t["question_id"], {})
        by_code[t["value"]] = by_code.get(t["value"], 0) + t["n"]
    return counts


@dataclass(frozen=True)
class Panel:
    """What the 加权估计 card (templates/admin/_weighting.html) shows; ``panel`` never raises."""

    margins: Mapping[str, Mapping[str, float]]
    entry: dict | None  # the audit line of the latest change of margins (who, when, what)
    source: str | None  # 来源 of the shares, as that line records it
    raked: weighting.Raked | None
    error: str | None  # the margins no longer rake with the answers stored now (Chinese)
    reliability: reliability.Reliability | None
    composite: bool = False  # the questionnaire defines a composite: α can be asked for (it reads every answer)
    deferred: bool = False  # margins entered, raking left to be asked for (a large survey: it reads every answer)


def panel(database, survey: dict, questionnaire, *, alpha: bool = True, rake: bool = True) -> Panel:
    """The card's figures for the dashboard and this page: a failed raking is its ``error``, never a 500.
    ``alpha=False`` leaves α to be asked for, ``rake=False`` the raking (each reads every respondent's
    answers: seconds at a million)."""
    margins = database.population_margins(survey["id"])
    raked = error = None
    if margins and rake:
        try:
            raked = weighting.raked_figures(database, survey, questionnaire, margins)
        except ValueError as e:
            error = str(e)
    entry = database.population_margins_entry(survey["id"]) if margins else None
    return Panel(margins, entry, source_of(entry["detail"]) if entry else None, raked, error,
                 reliability.reliability_for(database, survey, questionnaire) if alpha else None,
                 bool(reliability.composites(questionnaire)), bool(margins) and not rake)


def audit_detail(source: str, questionnaire, margins: dict) -> str:
    """The audit line of a change of margins: '来源：部门服务对象台账' on the first line, then the shares."""
    parts = [f"{questionnaire.question(qid).heading}："
             + "、".join(f"{questionnaire.question(qid).option(c).label} {100 * s:g}%" for c, s in shares.items())
             for qid, shares in margins.items()]
    return (f"{SOURCE_PREFIX}{source}\n" + "；".join(parts))[:2000]


def source_of(detail: str) -> str | None:
    """The 来源 an ``audit_detail`` line records (None for another line, e.g. a clearing)."""
    return detail.split("\n", 1)[0].removeprefix(SOURCE_PREFIX) if detail.startswith(SOURCE_PREFIX) else None


@bp.route("/surveys/<int:survey_id>/weighting", methods=["GET", "POST"])
@login_required
def weighting_page(survey_id):
    survey = survey_or_404(survey_id)
    questionnaire = questionnaires.catalogue().for_survey(survey)
    database = get_store()
    form = form_for(questionnaire, data=_stored(database, survey_id) if request.method == "GET" else None)
    error, status = None, 200
    if form.validate_on_submit():
        margins = form.margins()
        try:
            weighting.save_margins(database, survey, questionnaire, margins,
                                   audit=Audit(acting_user(), AUDIT_ACTION,
                                               audit_detail(form.source.data, questionnaire, margins)))
        except ValueError as e:
            error = str(e)
        else:
            flash("总体占比已保存，项目页显示加权估计（仅供参考，不改变目标判定）。")
            return redirect(url_for("admin.surveys.dashboard", survey_id=survey_id) + "#weighting")
    if request.method == "POST":
        status = 400
    return render_template("admin/weighting.html", survey=survey, q=questionnaire, form=form, error=error,
                           sample=_sample(database, survey_id), clear_form=ClearForm(),
                           weighting=panel(database, survey, questionnaire), on_page=True), status


@bp.post("/surveys/<int:survey_id>/weighting/clear")
@login_required
def clear(survey_id):
    survey_or_404(survey_id)
    if not ClearForm().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(url_for(".weighting_page", survey_id=survey_id))
    database = get_store()
    if database.population_margins(survey_id):
        database.set_population_margins(survey_id, {}, audit=Audit(acting_user(), AUDIT_ACTION,
                                                                   "清除总体占比，不再显示加权估计"))
    flash("总体占比已清除，项目页不再显示加权估计。")
    return redirect(url_for("admin.surveys.dashboard", survey_id=survey_id) + "#weighting")
