"""录入纸质问卷: an evaluator types in the paper forms handed out at the collection points (reports/paper.py prints
them), one at a time, by the 问卷编号 written on each; stored as the channel 纸质 (store/paper.py). A form numbered
before is never stored twice; a form with a required question left blank is stored and excluded at once, with the
questions named, as the trade counts an incomplete paper form (回收, not 有效). The routes are on surveys.py's
blueprint (admin.surveys.*), as a survey's own pages."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, ValidationError

from .. import paper_import as paper_import_rules
from ..localtime import shown as local_time
from ..reports.wording import question_ordinal
from ..respondent import forms as answer_forms
from ..store import BadPaperNumber, StorageUnavailable, get_store, paper_number
from .auth import login_required, survey_or_404
from .shared import acting_user, survey_questionnaire
from .surveys import bp

NUMBER_HELP = ("问卷编号即纸质问卷标题下“问卷编号”栏所填（收回时逐份编写），1–20 位数字、字母或连字符（如 12、A-012）；"
               "同一编号只录入一次。")


def _number(form, field):
    try:
        field.data = paper_number(field.data)
    except BadPaperNumber:
        raise ValidationError("问卷编号应为 1–20 位数字、字母或连字符，如 12 或 A-012。") from None


class PaperForm(FlaskForm):
    """The form's number and point; the answers are read with the citizens' form's rules (respondent/forms.py)."""

    number = StringField("问卷编号", validators=[InputRequired("请填写问卷编号（纸质问卷标题下的“问卷编号”栏）。"), _number])
    point = SelectField("采集点", coerce=str, validate_choice=False)

    def validate_point(self, field):
        if field.data not in {code for code, _ in field.choices}:
            raise ValidationError("请选择这份问卷发放的采集点。")


def _form(survey_id: int, formdata=None) -> tuple[PaperForm, dict]:
    points = {str(p["id"]): p for p in get_store().list_points(survey_id)}
    form = PaperForm(formdata=formdata)
    form.point.choices = [(pid, p["name"]) for pid, p in points.items()]
    if formdata is None:
        chosen = request.args.get("point", "")
        form.point.data = chosen if chosen in points else (next(iter(points)) if len(points) == 1 else "")
    return form, points


RECENT = 5  # the last forms entered, listed under the form: where the clerk is in the stack


def _page(survey, q, form, status=200, answers=None, problem=None, problems=()):
    zone = current_app.config["TIMEZONE"]
    recent = [{**row, "at": local_time(row["at"], zone)} for row in get_store().recent_paper(survey["id"], RECENT)]
    return render_template("admin/paper.html", survey=survey, q=q, form=form, answers=answers or {},
                           problem=problem, problems=problems, import_form=ImportForm(),
                           entered=sum(get_store().paper_counts(survey["id"]).values()), number_help=NUMBER_HELP,
                           recent=recent), status


@bp.route("/surveys/<int:survey_id>/paper", methods=["GET", "POST"])
@login_required
def paper(survey_id):
    survey = survey_or_404(survey_id)
    q = survey_questionnaire(survey)
    if request.method == "GET":
        return _page(survey, q, _form(survey_id)[0])
    form, points = _form(survey_id, request.form)
    kept = {question.id: request.form.getlist(question.id) for question in q.questions}
    if not form.validate():
        return _page(survey, q, form, 400, kept)
    missing: list[str] = []
    answers = answer_forms.clean_answers(q, request.form, missing=missing)
    if answers is None:  # a value no option has (no browser sends one from this page)
        return _page(survey, q, form, 400, kept, "所填内容有误（选项不存在或单选题选了多项），未保存，请核对后重新录入。")
    if not answers:
        return _page(survey, q, form, 400, kept, "这份问卷一题也没有录入：空白问卷不保存。请勾选问卷上的作答后再保存。")
    point = points[form.point.data]
    try:
        entered = get_store().save_paper(
            survey_id=survey_id, point_id=point["id"], questionnaire_version=q.version, number=form.number.data,
            answers=answers, missing=[question_ordinal(q, qid) for qid in missing], user=acting_user())
    except StorageUnavailable:
        return _page(survey, q, form, 503, kept, "数据库暂时无法写入，这份问卷未保存；请稍后再点“保存这份问卷”。")
    number = form.number.data
    if not entered.created:
        stored = get_store().stored_paper(survey_id, number)
        differs = paper_import_rules.differences(stored, point["id"], answers)
        if not differs:  # the same form again (a double click, or typed twice)
            flash(f"第 {number} 号纸质问卷此前已录入，内容相同，未重复保存。")
            return redirect(url_for(".paper", survey_id=survey_id, point=point["id"]))
        where = f"：录入为{points[str(stored[0])]['name']}" if stored[0] != point["id"] else ""
        form.number.errors = [f"第 {number} 号纸质问卷此前已录入（{differs}与本次不同{where}），本次未保存。"
                              "请核对问卷编号；确是另一份问卷时请改正编号后再保存。"]
        return _page(survey, q, form, 409, kept)
    shown = get_store().response_numbers(survey_id, [entered.response_id])[entered.response_id]
    if entered.excluded:
        flash(f"第 {number} 号纸质问卷已录入（本项目第 {shown} 份），因漏答必答题（"
              f"{'、'.join(question_ordinal(q, qid) for qid in missing)}）按无效问卷剔除，计入回收、不计入有效。")
    else:
        flash(f"第 {number} 号纸质问卷已录入（采集点：{point['name']}，本项目第 {shown} 份）。")
    return redirect(url_for(".paper", survey_id=survey_id, point=point["id"]))


class ImportForm(FlaskForm):
    """The 纸质问卷录入表 to import (a CSRF token and the file: request.files)."""


@bp.post("/surveys/<int:survey_id>/paper/import")
@login_required
def paper_import(survey_id):
    survey = survey_or_404(survey_id)
    q = survey_questionnaire(survey)
    upload = request.files.get("table")
    if not ImportForm().validate_on_submit():
        return _page(survey, q, _form(survey_id)[0], 400, problem="页面已过期，请刷新后重新选择文件导入。")
    if upload is None or not upload.filename:
        return _page(survey, q, _form(survey_id)[0], 400, problem="请先选择要导入的纸质问卷录入表（XLSX 或 CSV）。")
    try:
        rows = paper_import_rules.parse(paper_import_rules.read_table(upload.filename, upload.read()), q,
                                        get_store().list_points(survey_id))
        counts = paper_import_rules.store_rows(get_store(), survey_id, q, rows, acting_user())
    except paper_import_rules.ImportProblems as problems:
        return _page(survey, q, _form(survey_id)[0], 400, problems=problems.problems,
                     problem=f"“{upload.filename}”未导入（没有保存任何一份），请改正以下问题后重新导入：")
    except StorageUnavailable:
        return _page(survey, q, _form(survey_id)[0], 503, problem="数据库暂时无法写入，未导入完成；请稍后重新导入"
                     "同一文件（已保存的问卷不会重复保存）。")
    flash(paper_import_rules.outcome_text(upload.filename, rows, counts))
    if counts["other"]:  # another evaluator stored the same number with other answers meanwhile
        flash(f"{counts['other']} {paper_import_rules.OTHER}", "error")
    return redirect(url_for(".paper", survey_id=survey_id))
