"""Forms for evaluator pages (Flask-WTF: every POST form carries a CSRF token). Messages in Chinese.
Every text field that is stored is cleaned by its filter (safetext.clean_line / clean_text)."""
from __future__ import annotations

import math

from flask import request
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FloatField, HiddenField, IntegerField, PasswordField, SelectField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

import analysis
from analysis.formatting import num

from .. import percent
from ..fieldwork import collection_state
from ..headline import figure_judged
from ..questionnaires import fill
from ..reports.wording import project_name
from ..results import C51_FIGURES
from ..safetext import clean_line, clean_text
from ..store.fieldwork import MAX_FIELDWORK

MSG_NUMBER = "请输入数字。"
MSG_WHOLE = "请输入整数。"
MSG_DATE = "请输入日期，格式如 2024-08-13。"
MSG_CHOICE = "请从列表中选择。"
FIGURE_LABELS = {"headline": "问卷设定的主指标（如伊宁问卷：总体工作满意度得分）", "score": "满意度得分（0–100）",
                 "top2": "满意率（前两项：非常满意 + 比较满意）", "top3": "满意率（前三项：含一般满意）"}
TARGET_LABELS = {percent.RATE: "目标值（%，留空则取评分规则的目标）",
                 percent.SCORE: "目标值（分，满意度得分按百分制；留空则取评分规则的目标）",
                 percent.EITHER: "目标值（%，计入满意度得分时为分；留空则取评分规则的目标）"}
# a survey's status; "archived" is a survey its evaluator deleted: hidden from the list, closed to citizens, every
# answer, result and audit line kept (a deletion that removes nothing, so verify and the receipts still hold)
SURVEY_STATUS_LABELS = {"draft": "未开放", "open": "收集中", "closed": "已结束", "archived": "已删除"}
DATE_STATES = {"closed": "已过结束日期，群众无法提交", "not-yet-open": "未到开始日期，群众暂不能提交"}


def status_label(survey: dict, tz: str) -> str:
    """The survey's status as its badge says it, with what its dates mean for citizens today when they
    differ from it (收集中 past the end date turns every citizen away)."""
    label = SURVEY_STATUS_LABELS.get(survey["status"], survey["status"])
    state = collection_state(survey, tz)
    return f"{label}（{DATE_STATES[state]}）" if survey["status"] == "open" and state != "open" else label


def at_most(n: int) -> Length:
    return Length(max=n, message=f"请控制在 {n} 字以内。")


def in_years(form, field):
    if field.data and not 2000 <= field.data.year <= 2100:
        raise ValidationError("日期应在 2000 年至 2100 年之间。")


def finite(form, field):
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(MSG_NUMBER)


class PercentText(FloatField):
    """A percentage as typed (percent.read: 20, 20%, ２０％; a text input, as a number input drops "20%")."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = percent.read(valuelist[0])
        except ValueError as exc:
            self.data = None
            raise ValueError(self.invalid_value_message) from exc


class PercentField(PercentText):
    """A target or an expected rate (PercentText), with one message per mistake (percent.problem): 0.95 is
    refused, saying to type 95. ``scored``: in 分 when C51 takes a score, as the form's ``unit`` says
    (percent.RATE, SCORE or EITHER)."""

    def __init__(self, label=None, validators=None, *, what: str, example: float = 95, below_100=False,
                 scored=True, **kwargs):
        super().__init__(label, validators, invalid_value_message=f"请输入数字，如 {example}。", **kwargs)
        self.what, self.example, self.below_100, self.scored = what, example, below_100, scored

    def post_validate(self, form, stopped):
        if stopped or self.data is None or self.process_errors:
            return
        unit = getattr(form, "unit", percent.RATE) if self.scored else percent.RATE
        example = 90 if unit == percent.SCORE else self.example
        typed = self.raw_data[0].strip() if self.raw_data else None
        if message := percent.problem(self.data, self.what, unit, example=example, below_100=self.below_100,
                                      typed=typed):
            raise ValidationError(message)


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), at_most(64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), at_most(256)])


MIN_PASSWORD_LENGTH = 8


class PasswordForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。"), at_most(256)])
    new = PasswordField("新密码", validators=[
        DataRequired("请输入新密码。"),
        Length(min=MIN_PASSWORD_LENGTH, max=256, message=f"新密码需要 {MIN_PASSWORD_LENGTH} 到 256 个字符。")])
    confirm = PasswordField("再次输入新密码", validators=[DataRequired("请再次输入新密码。"),
                                                    EqualTo("new", message="两次输入的新密码不一致。")])


def _rule_choices(kept: str | None = None):
    """The rules that score a satisfaction figure, by their Chinese names; ``kept``, a survey's stored rule that
    is not one (xinjiang-c52, 投诉处置率, set before it was left out), stays offered so its settings still save."""
    def label(rule) -> str:
        not_c51 = "" if rule.satisfaction else "；不是满意度指标，请改选"
        return f"{rule.display_name}（{num(rule.weight)} 分，目标 {num(rule.target_pct)}%{not_c51}）"
    return [SelectChoice(name, label(rule)) for name, rule in analysis.RULES.items()
            if rule.satisfaction or name == kept]


def questionnaire_label(q) -> str:
    """'2024年伊宁市…满意度调查（yining-2024-public@1）': a questionnaire as the settings form offers it."""
    return f"{fill.preview(str(q.title))}（{q.key}）"


class SurveySettingsForm(FlaskForm):
    """Settings of a survey; ``questionnaire`` is only offered when creating one."""

    questionnaire = SelectField("问卷文件", invalid_choice_message=MSG_CHOICE)
    title = StringField("评价项目名称", filters=[clean_line],
                        validators=[Optional(), Length(max=200, message="名称请控制在 200 字以内。")])
    department = StringField("被评价单位", filters=[clean_line],
                             validators=[DataRequired("请填写被评价单位。"), at_most(100)])
    year = IntegerField("评价年度", invalid_value_message=MSG_WHOLE, validators=[
        InputRequired(MSG_WHOLE), NumberRange(2000, 2100, "年度应在 2000–2100 之间。")])
    evaluator_org = StringField("评价机构", filters=[clean_line], validators=[Optional(), at_most(100)])
    project = StringField("项目名称（附件3与评价底稿中）", filters=[clean_line], validators=[Optional(), at_most(100)])
    target = PercentField(TARGET_LABELS[percent.EITHER], validators=[Optional()], what="目标值")
    rule = SelectField("C51 评分规则", invalid_choice_message=MSG_CHOICE, default=analysis.DEFAULT_RULE)
    c51_figure = SelectField("计入 C51 的数值", invalid_choice_message=MSG_CHOICE, default="headline",
                             choices=[SelectChoice(k, v) for k, v in FIGURE_LABELS.items()])
    target_n = IntegerField("目标样本量 n", invalid_value_message=MSG_WHOLE, default=50, validators=[
        InputRequired(MSG_WHOLE), NumberRange(1, 10_000_000, "目标样本量应为 1 到 10,000,000 之间的整数。")])
    population = IntegerField("总体规模 N（可选）", invalid_value_message=MSG_WHOLE, validators=[
        Optional(), NumberRange(2, 10**9, "总体规模应为不小于 2 的整数，不知道可留空。")])
    opens_on = DateField("开始日期", invalid_value_message=MSG_DATE, validators=[Optional(), in_years])
    closes_on = DateField("结束日期", invalid_value_message=MSG_DATE, validators=[Optional(), in_years])
    one_per_device = BooleanField("每台设备限答一次")  # respondent/views.py: a second answer is refused
    background = TextAreaField("一、满意度调查背景", filters=[clean_text], validators=[Optional(), at_most(4000)])
    subjects = TextAreaField("（一）调研对象", filters=[clean_text], validators=[Optional(), at_most(4000)])

    def __init__(self, *args, questionnaires=None, chosen=None, kept_rule=None, **kwargs):
        """``chosen``: the survey's questionnaire when it is fixed (editing); else the one chosen from
        ``questionnaires``. With it the target's unit is known: % for a rate, 分 for a score. ``kept_rule``:
        the survey's stored rule (editing), offered even when it scores no satisfaction figure."""
        super().__init__(*args, **kwargs)
        self.questionnaire.choices = [SelectChoice(key, questionnaire_label(q)) for key, q in (questionnaires or {}).items()]
        self.rule.choices = _rule_choices(kept_rule)
        chosen = chosen or (questionnaires or {}).get(self.questionnaire.data or "")
        figure = figure_judged(self.c51_figure.data, chosen) if chosen is not None else self.c51_figure.data
        self.unit = {"score": percent.SCORE, "headline": percent.EITHER}.get(figure, percent.RATE)
        self.target.label.text = TARGET_LABELS[self.unit]

    def validate_target_n(self, field):
        if field.data and self.population.data and not self.population.errors and field.data > self.population.data:
            raise ValidationError(f"目标样本量（{field.data}）大于总体规模 N（{self.population.data}）：请核对两者。")

    def validate_closes_on(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError("结束日期不能早于开始日期。")

    def project_default(self) -> str | None:
        """What 项目名称 left blank reads as (reports/wording.project_name) for the department and year in the
        form, for its hint; None before both are filled in."""
        department, year = (self.department.data or "").strip(), self.year.data
        if not department or not isinstance(year, int) or self.year.errors or self.department.errors:
            return None
        return project_name({"department": department, "year": year, "title": ""})

    def values(self) -> dict:
        """The survey fields (dates as ISO strings; empty annex texts get the defaults)."""
        out = {name: getattr(self, name).data for name in (
            "title", "department", "year", "evaluator_org", "target", "rule", "c51_figure", "target_n",
            "population", "background", "subjects")}
        out["opens_on"] = self.opens_on.data.isoformat() if self.opens_on.data else None
        out["closes_on"] = self.closes_on.data.isoformat() if self.closes_on.data else None
        out["department"] = out["department"].strip()
        out["one_per_device"] = int(bool(self.one_per_device.data))
        if out["target"] is None:  # the rule's own standard, e.g. ≥ 90 % for jiangxi-staff
            out["target"] = analysis.RULES[out["rule"]].target_pct
        # Left blank, the annex writes them from the survey at download time (reports/annex_text.py),
        # so they follow later changes of the department or year.
        out["background"] = (out["background"] or "").strip() or None
        out["subjects"] = (out["subjects"] or "").strip() or None
        out["project"] = self.project.data or None  # blank: "{年度} 年{被评价单位}部门整体绩效", following both
        return out


class PointForm(FlaskForm):
    name = StringField("采集点名称", filters=[clean_line],
                       validators=[DataRequired("请填写采集点名称，如“业务大厅”或“1号窗口”。"),
                                   Length(max=60, message="名称请控制在 60 字以内。")])


def whole_count(form, field):
    """A count from the field (发放份数, 办件量): a whole number from 0 to MAX_FIELDWORK."""
    if field.data is not None and field.data < 0:
        raise ValidationError("不能为负数。")
    if field.data is not None and field.data > MAX_FIELDWORK:
        raise ValidationError(f"不能超过 {MAX_FIELDWORK:,}，请核对是否多输了数字。")


class PointFieldworkForm(FlaskForm):
    """A collection point's name and fieldwork record; either count may be left blank (not known)."""

    name = StringField("名称", filters=[clean_line], validators=[
        DataRequired("请填写采集点名称。"), Length(max=60, message="名称请控制在 60 字以内。")])
    issued = IntegerField("发放份数", invalid_value_message="请输入整数，如 120；不知道可留空。",
                          validators=[Optional(), whole_count])
    served = IntegerField("办件量", invalid_value_message="请输入整数，如 860；不知道可留空。",
                          validators=[Optional(), whole_count])


class PointsFieldworkForm(FlaskForm):
    """The 采集点 page's one form (its CSRF token) over every point's PointFieldworkForm, whose fields are
    named point-<id>-name, point-<id>-issued and point-<id>-served: one 保存 saves them all, or none. ``rows``: (point,
    its form, whether its fields were posted: a point added since the page was shown keeps its record)."""

    def __init__(self, points: list[dict], **kwargs):
        super().__init__(**kwargs)
        posted = request.form if self.is_submitted() else {}
        self.rows = []
        for point in points:
            sent = any(f"point-{point['id']}-{name}" in posted for name in ("name", "issued", "served"))
            self.rows.append((point, PointFieldworkForm(formdata=request.form if sent else None, data=point,
                                                        prefix=f"point-{point['id']}", meta={"csrf": False}), sent))


class StatusForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    confirm = BooleanField()  # deleting (archiving) a survey asks for it


class ReviewForm(FlaskForm):
    """Exclude or restore one response, either with a reason (the audit log keeps it)."""

    action = HiddenField(validators=[DataRequired()])
    reason = StringField("原因", filters=[clean_line],
                         validators=[Optional(), Length(max=300, message="原因请控制在 300 字以内。")])
    back = HiddenField()


class PlannerForm(FlaskForm):
    """The sample-size planner (a GET form: it changes nothing, so no CSRF token); admin/planner.py
    computes from it. ``plan_t`` left blank means the survey's own target."""

    class Meta:
        csrf = False

    unit = percent.RATE  # the planner: percent.SCORE when C51 takes a score (plan_t is then in 分)
    plan_t = PercentField("目标值（%）", validators=[Optional()], what="目标值")
    plan_p = PercentField("预期满意率（%）", default=97.0, validators=[InputRequired("请输入数字，如 97。")],
                          what="预期满意率", example=97, below_100=True, scored=False)
    plan_e = FloatField("允许误差 ±（百分点）", invalid_value_message=MSG_NUMBER, default=5.0,
                        validators=[InputRequired(MSG_NUMBER), finite])  # in 分 for a score (``unit``)
    plan_d = StringField("假定答案分布（%，按选项顺序）", filters=[clean_line],
                         validators=[Optional(), Length(max=200, message="答案分布请控制在 200 字以内。")])
    plan_N = IntegerField("总体规模 N（可选）", invalid_value_message=MSG_WHOLE, validators=[
        Optional(), NumberRange(2, 10**9, "总体规模应为不小于 2 的整数，不知道可留空。")])

    def validate_plan_e(self, field):
        if field.data is not None and math.isfinite(field.data) and not 0.1 <= field.data <= 50:
            raise ValidationError(f"允许误差应在 0.1 到 50 {'分' if self.unit == percent.SCORE else '个百分点'}之间。")


assert set(FIGURE_LABELS) == set(C51_FIGURES)
