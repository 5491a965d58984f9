"""The words of the 附件3 满意度问卷报告, as a list of blocks that ``annex`` lays out in Word.

Blocks: ("title", text), ("h1"|"h2"|"h3", text), ("p", text), ("figure", question result, caption),
("forest", breakdown table, "rate"|"score", axis label, caption) (breakdown_text), ("page-break",),
("center"|"center-bold"|"bold"|"plain"|"right", text) (bold: a title that is no heading, so a report's 目录 leaves it
out). Every figure is read from the SurveyResult.
"""
from __future__ import annotations

import analysis
from analysis.formatting import fixed, num, num_below, pct, pct_below, span

from ..headline import census_text, fpc_note, rate_method, survey_rule
from . import breakdown_text, planning_text, raw, trend_text, weighting_text
from .collection_text import channels, design_blocks, rate_text, respondents, returns_text
from .frequency_text import frequency_block
from .questionnaire_text import questionnaire_blocks
from .wording import (ROLE_WORDS, headline_text, judging_text, points_range_text, project_name, question_ordinal,
                      receipt_text, sample_text, strata_text, stratified_choice_text, survey_period_text, target_text,
                      unserved_text)


ORDINALS = "一二三四五六七八九十"


def topic(question) -> str:
    """'您的年龄：' -> '年龄' (for 受访者年龄构成), or the question's short name."""
    if question.short:
        return question.short
    text = str(question.text).strip().rstrip("：:？?（）() ")
    return text[2:] if text.startswith("您的") else text


def _who(label: str) -> str:
    """'18-30 岁' -> '18-30 岁人员', '男' -> '男性' (the seed's phrasing)."""
    if label in ("男", "女"):
        return label + "性"
    return label + "人员" if label.endswith(("岁", "以上", "以下")) else label


def paragraph(result, qr, figure_no: int) -> str:
    """'根据调查问卷的反馈结果绘制了图1，如图所示，…中，18-30 岁人员 11 人，占比 22.0%；…。'"""
    q = qr.question
    lead = f"根据调查问卷的反馈结果绘制了图{figure_no}，如图所示，{project_name(result.survey)}项目问卷"
    rows = [(str(q.option(r.code).label), r.count, r.percent) for r in qr.table.rows]
    given = [r for r in rows if r[1]]
    none = [r[0] for r in rows if not r[1]]
    if q.role == "demographic":  # its counts say what they are out of, as the items' do below
        unit, scope = ("人次", f"（多选题，共 {qr.n} 人次选择，占比按人次计）") if q.type == "multiple" else ("人", "")
        parts = [f"{_who(label)} {n} {unit}，占比 {pct(p)}" for label, n, p in given]
        text = f"{lead}调研中{scope}，" + "；".join(parts) + "。"
        text += f"没有受访者选择“{'”“'.join(none)}”。" if none else ""
        return text + (_unanswered(qr, base=True) if q.type != "multiple" else "")
    if q.role == "satisfaction":
        na = {str(q.option(c).label) for c in q.not_applicable}
        parts = [f"{n} 人选择“{label}”，占比 {pct(p)}" if label in na else f"{n} 人表示对{q.label}{label}，占比 {pct(p)}"
                 for label, n, p in given]
        none = [label for label in none if label not in na]  # nobody choosing 不适用 needs no sentence
        listed = "、".join(none[:-1]) + "或" + none[-1] if len(none) > 1 else "".join(none)  # 一般满意、不太满意或不满意
        tail = f"没有受访者表示对{q.label}{listed}。" if none else ""
    else:
        parts = [f"{n} 人选择“{label}”，占比 {pct(p)}" for label, n, p in given]
        tail = f"没有受访者选择“{'”“'.join(none)}”。" if none else ""
    if q.type == "multiple":
        text = f"{lead}调研中（多选题，共 {qr.n} 人次选择，占比按人次计），" + "；".join(parts) + "。" + tail
    else:
        text = f"{lead}参与调研的 {qr.n} 人中，" + "；".join(parts) + "。" + tail  # a rounding note: under the table
    if q.not_applicable and qr.not_applicable:
        text += f"其中 {qr.not_applicable} 人选择不适用类选项，不计入满意率和得分的计算。"
    if q.type != "multiple":
        text += _unanswered(qr)
    return text + _estimates(qr, result.target)


def _unanswered(qr, *, base: bool = False) -> str:
    """'另有 2 份有效问卷未作答本题。' ('' when every valid questionnaire answered it); ``base``: the shares' base
    first, for a paragraph that has not said it ('占比按作答本题的 48 人计，另有 …')."""
    if not qr.unanswered:
        return ""
    return (f"占比按作答本题的 {qr.n} 人计，" if base else "") + f"另有 {qr.unanswered} 份有效问卷未作答本题。"


def _estimates(qr, target: float) -> str:
    """The item's score and rate, each below the survey's ``target`` printed below it (``pct_below``)."""
    if qr.score is None:
        return ""
    q = qr.question
    rate_word, score_word = ROLE_WORDS[q.role]
    ladder = "/".join(num(q.option(c).points) for c in q.scored_codes)
    satisfied = "与".join(f"“{q.option(c).label}”" for c in q.scored_codes if c in qr.rate.satisfied)
    s, r = qr.score, qr.rate
    if r.census:   # n = N: the figures themselves, no interval
        return (f"按 {ladder} 分计，该题{score_word}为 {num_below(s.score, target)} 分；{rate_word}（{satisfied}合计）为 "
                f"{pct_below(100 * r.rate, target)}（{census_text(r.population)}）。")
    return (f"按 {ladder} 分计，该题{score_word}为 {num_below(s.score, target)} 分（95% 置信区间 "
            f"{span(s.ci.low, s.ci.high, '分', target)}，Gaffke 区间{fpc_note(s)}）；{rate_word}（{satisfied}合计）为 "
            f"{pct_below(100 * r.rate, target)}（95% 置信区间 {span(100 * r.ci.low, 100 * r.ci.high, '%', target)}，"
            f"{rate_method(r.population)}）。")


def background(survey) -> str:
    """一、满意度调查背景: the evaluator's own text, else this one, which claims no more than a questionnaire can
    show (satisfaction as one basis of the evaluation, not the efficiency of the spending itself)."""
    if survey.get("background"):
        return survey["background"]
    return (f"本次绩效评价满意度调研旨在通过对{project_name(survey)}的受益人员进行问卷调查，"
            f"了解受益群众对其实施效果的满意程度，为评价财政资金使用效益提供服务对象满意度方面的依据。")


def blocks(result):
    s = result.survey
    project = project_name(s)
    yield ("title", "附件3 满意度问卷报告")
    yield ("subtitle", s["title"])
    yield ("h1", "一、满意度调查背景")
    yield ("p", background(s))
    yield ("h1", "二、研究设计")
    yield from design_blocks(result)
    yield ("h1", "三、调研实施")
    yield ("h2", "（一）调研开展情况")
    period = survey_period_text(result)
    names = "、".join(p.name for p in result.points)
    if result.returned:  # the valid answers' dates, not a claim about when the project group went out
        posted = "张贴问卷二维码" if channels(result)[0] else "发放纸质问卷"
        yield ("p", f"根据项目进度安排，项目组在{names}{posted}，对{respondents(s)[0]}进行问卷的发放与回收，"
                    f"{period or '暂无有效问卷'}。")  # every answer excluded: returned all the same
    else:
        yield ("p", "尚未回收问卷。")
    yield ("h2", "（二）问卷回收情况")
    yield ("p", returns_text(result, project))
    yield ("h1", "四、调查结果分析")
    shown = list(analysis_blocks(result))
    shown += list(breakdown_blocks(result, sum(b[0] == "h2" for b in shown), sum(b[0] == "figure" for b in shown)))
    yield from shown
    yield from comparison_blocks(result, sum(b[0] == "h2" for b in shown))
    yield ("h1", "五、结论")
    yield from conclusion_blocks(result)
    yield ("page-break",)
    yield from questionnaire_blocks(result.questionnaire)


def analysis_blocks(result):
    groups = [("基本信息", [x for x in result.questions if x.question.role == "demographic"]),
              ("项目实施分析", [x for x in result.questions if x.question.role != "demographic"])]
    figure = 0
    for g, (name, items) in enumerate([g for g in groups if g[1]]):
        yield ("h2", f"（{ORDINALS[g]}）{name}")
        for i, qr in enumerate(items, 1):
            q = qr.question
            demographic = q.role == "demographic"
            number = f"（问卷{question_ordinal(result.questionnaire, q.id)}）"  # as the citizen's form numbers it
            yield ("h3", f"{i}. 受访者{topic(q)}构成{number}" if demographic else f"{i}. {q.label}的结果分析{number}")
            if q.type == "text":
                yield ("p", text_answers_text(result, qr))
            elif qr.n == 0:
                yield ("p", "本题暂无有效回答。")
            else:
                figure += 1
                headline_item = q.id in result.questionnaire.headline.weights
                yield ("p", paragraph(result, qr, figure) + (stratified_choice_text(result) if headline_item else ""))
                caption = f"调研样本中{topic(q)}分布情况" if demographic else f"{q.label}的调研结果"
                yield ("figure", qr, f"图{figure} {caption}")
                yield frequency_block(qr, f"表{figure} {'受访者' + topic(q) if demographic else q.label}频数分布{number}")


def text_answers_text(result, qr) -> str:
    """A text question: how many valid questionnaires filled it in (not called 意见建议: a text box may ask for
    anything) and the very column of the downloads that holds the words, which the annex does not reprint."""
    blank = f"（{qr.unanswered} 份未填写）" if qr.unanswered else ""
    return (f"本题为文字题，{qr.n} 份有效问卷填写了本题{blank}，原文见原始数据 CSV 和“数据与汇总”XLSX 文件“数据”"
            f"工作表中的“{raw.column(result.questionnaire, qr.question)}”列。")


def breakdown_blocks(result, sections: int, figures: int):
    """（三）分组比较 after the per-question subsections (none without breakdowns): its charts numbered on from
    the ``figures`` before it."""
    parts = list(breakdown_text.blocks(result, figures + 1, _who))
    if parts:
        yield ("h2", f"（{ORDINALS[sections]}）分组比较")
        yield from parts


def comparison_blocks(result, sections: int):
    """（N）与上年度比较 (only when an earlier survey was chosen) and （N+1）加权估计与量表信度 (only with
    population shares entered or a composite defined), numbered on from the ``sections`` before them."""
    trend = trend_text.trend_blocks(result.trend, result.target)
    if trend:
        yield ("h2", f"（{ORDINALS[sections]}）{trend[0][1]}")
        yield from trend[1:]
        sections += 1
    weighting = weighting_text.weighting_blocks(result.raked, result.reliability)
    if not result.raked:  # α alone: the section's own heading says what it is
        weighting = [b for b in weighting if b[0] != "h3"]
    if weighting:
        yield ("h2", f"（{ORDINALS[sections]}）{'加权估计与量表信度' if result.raked else '量表信度分析'}")
        yield from weighting


def conclusion_blocks(result):
    h = result.headline
    yield ("p", f"本次调查共{sample_text(result)}，有效率为 {rate_text(result.valid_rate_pct)}。")
    if h is None:
        yield ("p", f"尚无有效问卷，暂不能计算满意度及{survey_rule(result.survey).indicator}指标得分。")
        return
    q = result.questionnaire
    items = "、".join(f"“{q.question(qid).label}”" for qid in q.headline.weights)
    yield ("p", f"以{items}计算，受访者{headline_text(h)}。预期目标为{target_text(h)}{judging_text(h)}。")
    strata = strata_text(result)
    if strata:
        unserved = unserved_text(result)
        yield ("p", f"{h.label}的计算：{strata[0]}。其中{strata[1]}{f'{unserved}。' if unserved else ''}"
                    + stratified_choice_text(result))
    elif stratified_choice_text(result):  # why it is not stratified (wording.unstratified_text)
        yield ("p", stratified_choice_text(result))
    p = h.points.at_estimate
    rule = analysis.RULES.get(p.rule)
    standard = f"按照评分标准“{rule.text.rstrip('。')}”，" if rule else ""
    yield ("p", f"{survey_rule(result.survey).indicator}指标：{standard}{p.sentence}{points_range_text(h)}" + "".join(p.notes + h.notes))
    can_show = planning_text.headline_sentences(h)
    if can_show:
        yield ("p", "关于样本量：" + "".join(can_show))
    d = result.design
    if d is not None:
        yield ("p", f"答卷来自 {d.groups} 个采集点，各采集点满意率之间的设计效应为 {fixed(d.design_effect, 2)}，"
                    f"等效样本量约 {fixed(d.effective_n)} 份；按等效样本量计算，满意率 {pct(100 * d.rate)} 的 95% 置信区间（Clopper–Pearson）为 "
                    f"{span(100 * d.ci.low, 100 * d.ci.high)}。")
    if result.receipt:
        yield ("p", receipt_text(result))
