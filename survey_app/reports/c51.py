"""C51“服务对象满意度”评价底稿 (working paper): one table, rendered as DOCX and as HTML.

``paper(result)`` gives the rows; the DOCX here and the template ``reports/c51.html`` both render
them, so the two can never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

from analysis.formatting import num
from docx.shared import Cm

from . import _docx
from .collection_text import channels
from ..headline import survey_rule
from .wording import (basis_text, flags_text, formula_text, interval_text, points_range_text, project_name, receipt_text, sample_text,
                      strata_text, stratified_choice_text, survey_period_text, unserved_text, with_units)

# A4's 14.64 cm between the margins; the label column holds five bold 小四 characters a line: 评价依据或/数据来源
PAPER_WIDTHS = (Cm(2.8), Cm(11.8))
EXPLANATION = "社会公众或服务对象对实施效果的满意程度。"
STANDARD_LEAD = "社会公众或服务对象是指因该项目实施而受到影响的部门（单位）、群体或个人。一般采取社会调查的方式。"


@dataclass(frozen=True)
class WorkingPaper:
    title: str
    project: str
    evaluator: str
    rows: tuple[tuple[str, str], ...]  # (栏目, 内容)
    points: float | None
    maximum: float | None


def _result_text(result) -> str:
    s, h = result.survey, result.headline
    if h is None:
        return "指标评分计算过程及依据：尚无有效问卷，暂不能评分。"
    p = h.points.at_estimate
    sentence = p.sentence
    found = sentence.find("结果显示")
    if found >= 0:  # the rule's sentence, spliced into the seed's opening
        sentence = (f"调阅绩效资料，{project_name(s)}满意度指标预期目标为≥{num(p.target_pct)}%，"
                    f"实际开展的《{s['title']}》中，{sentence[found:]}")
    judged = "" if h.judgement.census else f"；判定方法：{h.bound_method}，以单侧置信界判定"
    return (f"指标评分计算过程及依据：{sentence}"
            f"（{h.label} {with_units(h)[0]}，{interval_text(h)}{judged}；有效问卷 {h.n} 份）。"
            f"{points_range_text(h)}{strata_line(result)}{basis_line(result)}计算过程：{formula_text(h)}。"
            + "".join(p.notes + h.notes))


def basis_line(result) -> str:
    """The figure's own arithmetic (wording.basis_text), before the points'."""
    basis = basis_text(result)
    return f"{result.headline.label}的计算：{basis}。" if basis else ""


def strata_line(result) -> str:
    """A stratified figure's own arithmetic, before the points' (wording.strata_text)."""
    strata = strata_text(result)
    if not strata:
        return stratified_choice_text(result)  # '' or why it is not stratified (wording.unstratified_text)
    unserved = unserved_text(result)
    return (f"{result.headline.label}的计算：{strata[0]}（{strata[1][:-1]}）。{f'{unserved}。' if unserved else ''}"
            + stratified_choice_text(result))


def source_text(result) -> str:
    """评价依据: the questionnaire, where and when it was answered, the sample, the flags, where the tallies are
    (附件3) and the receipt: '《…》（扫码在线填写，采集点为业务大厅、1号窗口，有效问卷提交于 …至 …；回收问卷 50 份，…）。'"""
    total = result.fieldwork.total
    paper, kiosk, scanned = total.paper, total.kiosk, channels(result)[0]
    how = "，".join(x for x in ("扫码在线填写" if scanned else "", f"采集点平板填写 {kiosk} 份" if kiosk else "",
                              f"纸质问卷录入 {paper} 份" if paper else "",
                              "采集点为" + "、".join(p.name for p in result.points) if result.points else "",
                              survey_period_text(result)) if x)
    flags = f"；{flags_text(result, short=True)}" if flags_text(result) else ""
    tallies = f"各题统计结果详见附件3 满意度问卷报告《{result.survey['title']}》。" if result.returned else ""  # 评价结果's 《》
    return f"《{result.questionnaire.title}》（{how}；{sample_text(result)}{flags}）。{tallies}{receipt_text(result)}"


def paper(result) -> WorkingPaper:
    s, h = result.survey, result.headline
    rule = survey_rule(s)  # the survey's target: the standard's own text, and the override said
    maximum = h.points.at_estimate.maximum if h else (rule.weight if rule else None)
    points = h.points.points if h else None
    rows = (
        ("指标解释", EXPLANATION),
        ("指标权重", f"指标权重：{num(maximum, 2) if maximum is not None else '—'}"),
        ("评价标准", f"指标评分细则：{STANDARD_LEAD}{rule.text if rule else ''}"),
        ("评价依据或数据来源", source_text(result)),
        ("评价结果", _result_text(result)),
        ("指标得分", f"指标得分：{num(points, 2) if points is not None else '—'}"),
    )
    return WorkingPaper(f"{rule.indicator}评价底稿", project_name(s), s.get("evaluator_org") or "", rows,
                        points, maximum)


def document(result):
    wp = paper(result)
    doc = _docx.new_document()
    doc.add_paragraph(wp.title, style="Title")
    _docx.unrecorded(doc, result)  # settings changed outside Manyi: said under the title
    _docx.body(doc, f"项目名称：{wp.project}", indent=False)
    _docx.body(doc, f"评价机构：{wp.evaluator}", indent=False)
    _docx.grid(doc, wp.rows, PAPER_WIDTHS, bold_columns=(0,), center_columns=(0,))
    return doc


def write(export, out) -> None:
    document(export.result).save(out)
