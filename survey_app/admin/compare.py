"""与上年度比较: the evaluator chooses the earlier survey this one is compared with (or none), from the
surveys they may see; the dashboard then shows the item-by-item differences (survey_app/trend.py).

A chosen survey the evaluator may not see answers 404, as every survey route does (``survey_or_404``);
one whose items differ gets a Chinese message naming the question, and nothing is saved."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from .. import questionnaires, trend
from ..questionnaires import MissingQuestionnaire
from ..store import Audit, get_store
from .auth import login_required, survey_or_404
from .forms import MSG_CHOICE
from .shared import acting_user

bp = Blueprint("compare", __name__)  # /admin/surveys/<id>/compare
NONE_LABEL = "不比较"


def posted(form, field):
    if request.method == "POST" and not field.raw_data:  # absent from the post: not the same as 不比较
        raise ValidationError(MSG_CHOICE)


class CompareForm(FlaskForm):
    compare_with = SelectField("与之比较的较早调查（同一被评价单位）", invalid_choice_message=MSG_CHOICE,
                               validators=[posted])


def _unit(survey: dict) -> str:
    """The evaluated department as compared: spaces and case aside."""
    return "".join((survey.get("department") or "").split()).casefold()


def _offered(survey: dict, other: dict) -> bool:
    """Whether ``other`` is offered as the earlier survey: the same department, an earlier year (or a year
    not entered), or the one chosen already."""
    if other["id"] == survey["compare_with"]:
        return True
    earlier = not (other.get("year") and survey.get("year")) or other["year"] < survey["year"]
    return other["id"] != survey["id"] and earlier and _unit(other) == _unit(survey)


def compare_form(survey: dict) -> CompareForm:
    """The choice for ``survey``: 不比较, or an earlier survey of the same department the evaluator may see."""
    form = CompareForm(data={"compare_with": "" if survey["compare_with"] is None else str(survey["compare_with"])})
    others = [s for s in get_store().surveys_for_user(g.current_user["id"]) if _offered(survey, s)]
    form.compare_with.choices = [SelectChoice("", NONE_LABEL)] + [
        SelectChoice(str(s["id"]), f"第 {s['id']} 号：{s['title']}（{s['year'] or '—'} 年，{s['department'] or '—'}）")
        for s in others]
    return form


def dashboard_trend(survey: dict, result) -> trend.Trend | None:
    """The trend the dashboard shows: None when no survey was chosen, or when the chosen one cannot be
    shown any more (the evaluator's access to it was withdrawn, a questionnaire file is gone or was changed
    in place so that the items no longer match)."""
    earlier = survey["compare_with"]
    if earlier is None or not get_store().can_see(g.current_user["id"], earlier):
        return None
    try:
        return trend.trend_for(get_store(), survey, result, questionnaires.catalogue(),
                               timezone=current_app.config["TIMEZONE"])
    except (LookupError, trend.NotComparable):  # MissingQuestionnaire is a LookupError
        return None


def _chosen(value: str) -> dict | None:
    """The survey posted as the earlier one (None for 不比较); 404 unless the evaluator may see it."""
    if not value:
        return None
    return survey_or_404(int(value) if value.isascii() and value.isdigit() else 0)


def _check(survey: dict, earlier: dict) -> str | None:
    """Why ``survey`` cannot be compared with ``earlier``, in Chinese; None when it can."""
    if earlier.get("year") and survey.get("year") and earlier["year"] >= survey["year"]:
        when = "与本项目同一年度" if earlier["year"] == survey["year"] else f"晚于本项目的 {survey['year']} 年度"
        return f"所选调查是 {earlier['year']} 年度的，{when}；只能与较早年度的调查比较，未作更改。"
    if _unit(earlier) != _unit(survey):
        return (f"所选调查的被评价单位（{earlier.get('department') or '未填写'}）与本项目（{survey.get('department') or '未填写'}）"
                "不同；与上年度比较只在同一被评价单位的调查之间进行，未作更改。如单位更名，请先在“修改设置”中统一单位名称。")
    catalogue = questionnaires.catalogue()
    try:
        trend.comparable_items(catalogue.for_survey(survey), catalogue.for_survey(earlier))
    except MissingQuestionnaire:
        return "所选调查的问卷文件已不在问卷目录中，无法比较，未作更改。"
    except trend.NotComparable as e:
        return e.message_zh
    return None


@bp.post("/surveys/<int:survey_id>/compare")
@login_required
def choose(survey_id):
    survey = survey_or_404(survey_id)
    earlier = _chosen(request.form.get("compare_with", ""))
    form = compare_form(survey)
    problem = _check(survey, earlier) if earlier and earlier["id"] != survey["id"] else None  # why, said first
    if problem is None and not form.validate_on_submit():  # this survey itself, or no choice posted
        problem = "；".join(e for errors in form.errors.values() for e in errors) or MSG_CHOICE
    new = earlier["id"] if earlier else None
    if problem:
        flash(problem, "error")
    elif new == survey["compare_with"]:
        flash("比较对象未改变。")
    else:
        get_store().update_survey(survey_id, compare_with=new, audit=Audit(
            acting_user(), "compare", f"compare_with: {survey['compare_with']} → {new}"))
        flash(f"已设置与“{earlier['title']}”比较，结果见下方“与上年度比较”。" if earlier else "已取消与较早调查的比较。")
    return redirect(url_for("admin.surveys.dashboard", survey_id=survey_id) + "#trend")
