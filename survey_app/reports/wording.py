"""Shared words for the documents (no figure is computed here; numbers print as ``analysis.formatting``)."""
from __future__ import annotations

from datetime import datetime

from analysis.formatting import num, pct, span

from ..headline import STRATIFIED
from ..localtime import shown

ROLE_NAMES = {"demographic": "基本信息", "satisfaction": "满意度", "awareness": "知晓度", "other": "其他"}
TYPE_NAMES = {"single": "单选", "multiple": "多选", "text": "文字"}
# What a scale item's rate and score are called, by its role: an awareness item has a 知晓率 and a
# 知晓度得分, never a 满意率 (the annex, the dashboard and the workbook all read them from here).
ROLE_WORDS = {"satisfaction": ("满意率", "满意度得分"), "awareness": ("知晓率", "知晓度得分"),
              "other": ("比例", "得分"), "demographic": ("比例", "得分")}
# What one 扫码打开 is (respondent/opens.py), beside the count wherever a document prints it: not every page load.
OPENS_COUNTED = "每台手机在每个采集点每天计一次，刷新或重复打开不再计"
# Which options a rate counts: the options the questionnaire marks (satisfied = true), or the first two or three.
_MARKED = {"satisfaction": "满意选项", "awareness": "知晓选项"}


def rate_label(role: str, which: str) -> str:
    """'满意率（前两项）', '知晓率（知晓选项）': a scale item's rate ("rate", "top2" or "top3"), named for its role."""
    options = {"rate": _MARKED.get(role, "标注选项"), "top2": "前两项", "top3": "前三项"}[which]
    return f"{ROLE_WORDS[role][0]}（{options}）"


def question_number(questionnaire, qid: str) -> int:
    """The number the citizen's form prints before a question: its place among all the questionnaire's questions,
    numbered on across the sections (templates/form.html; the dashboard's tallies follow the same order)."""
    return 1 + [q.id for q in questionnaire.questions].index(qid)


def question_ordinal(questionnaire, qid: str) -> str:
    """'第 7 题': the form's number of question ``qid`` as the documents and downloads write it."""
    return f"第 {question_number(questionnaire, qid)} 题"


def question_title(questionnaire, question, text: str | None = None) -> str:
    """'第 7 题 伊宁市医疗保障局整体工作': a question as the evaluator finds it on the paper form, by the form's
    number and its short heading (or ``text``, e.g. the whole question). The review page's columns, the raw
    data's headers and labels, the XLSX sheets and the SPSS variable labels all name a question so, never by
    its id alone ('q5' is question 7 of the Yining form)."""
    return f"{question_ordinal(questionnaire, question.id)} {question.heading if text is None else text}"


def minus(text: str) -> str:
    """A printed negative number with the minus sign (−): '-4.4' -> '−4.4' (the annex's differences)."""
    return "−" + text[1:] if text.startswith("-") else text


def project_name(survey: dict) -> str:
    """项目名称 as the evaluator entered it, else in the seed's form: '2024 年伊宁市医疗保障局部门整体绩效' (or the
    survey title)."""
    if survey.get("project"):
        return survey["project"]
    if survey.get("department") and survey.get("year"):
        return f"{survey['year']} 年{survey['department']}部门整体绩效"
    return survey["title"]


def exclusions_text(exclusions) -> str:
    """'（剔除原因：现场核实为同一人重复填写 1 份）': each reason the evaluator gave, with its count."""
    if not exclusions:
        return ""
    return "（剔除原因：" + "；".join(f"{reason} {n} 份" for reason, n in exclusions) + "）"


def excluded_text(result) -> str:
    """'剔除无效问卷 1 份（剔除原因：答题过快 1 份）', or '' when none was excluded: every document says it so."""
    return f"剔除无效问卷 {result.excluded} 份{exclusions_text(result.exclusions)}" if result.excluded else ""


def flags_text(result, *, short: bool = False) -> str:
    """What the review flags marked (their counts as the review page shows them, every status) and what was
    excluded: '系统标记：用时过短 21 份、异常集中提交 21 份（一份可有多项标记；标记只作提示，是否剔除由评价人员判断）；
    全部问卷共剔除 1 份。' (the annex's 问卷回收情况; a 剔除 need not be a marked one, so the sentence does not say it
    was). Manyi records exclusions, not which answers an evaluator looked at, so no sentence says a flagged answer
    was 复核ed and kept. ``short``: '系统标记用时过短 21 份、异常集中提交 21 份，全部问卷共剔除 1 份' (the working
    paper's 评价依据). '' before any answer or without counts."""
    f = result.flags
    if f is None or not result.returned:
        return ""
    marked = f.marked()
    if short:
        if not marked:
            return "无系统标记"
        done = f"，全部问卷共剔除 {result.excluded} 份" if result.excluded else "，未剔除问卷"
        return "系统标记" + "、".join(f"{label} {n} 份" for label, n in marked) + done
    listed = "、".join(f"{label} {n} 份" for label, n in marked)
    done = f"全部问卷共剔除 {result.excluded} 份" if result.excluded else "未剔除问卷"
    if not marked:
        return f"系统标记：无；{done}。"
    several = "一份可有多项标记；" if len(marked) > 1 else ""
    return f"系统标记：{listed}（{several}标记只作提示，是否剔除由评价人员判断）；{done}。"


def sample_text(result) -> str:
    """'回收问卷 50 份，剔除无效问卷 1 份（剔除原因：答题过快 1 份），有效问卷 49 份': the sample as the annex's
    conclusion and the working paper's 评价依据 cite it (the 剔除 said, with its reasons, whenever there was one)."""
    excluded = f"，{excluded_text(result)}" if result.excluded else ""
    return f"回收问卷 {result.returned} 份{excluded}，有效问卷 {result.valid} 份"


def with_units(h) -> tuple[str, str, str]:
    """The headline's value and interval ends as printed: '97.6 分', '95.13', '100 分' or '96.0%' ...
    (a score as the rule's sentence prints it, a rate as the percent tables)."""
    value, low, high = h.text(h.value), h.text(h.low), h.text(h.high)
    return (value, low.removesuffix(" 分"), high) if h.figure == "score" else (value, low, high)


def interval_text(h) -> str:
    """'双侧 95% 置信区间 86.3%–99.5%，Clopper–Pearson 精确区间'; a census (n = N) has no interval: its method alone,
    '全面调查（n = N = 50），无抽样误差'."""
    if h.judgement.census:
        return h.method
    return f"双侧 95% 置信区间 {span(h.low, h.high, h.unit, h.target)}，{h.method}"


def headline_text(h) -> str:
    """'满意率为 96.0%（双侧 95% 置信区间 86.3%–99.5%，Clopper–Pearson 精确区间，n = 50）'."""
    return f"{h.label}为 {with_units(h)[0]}（{interval_text(h)}，n = {h.n}）"


def target_text(h) -> str:
    """The target as the indicator table writes it (≥95%), read as 分 when the figure is a score."""
    target = num(h.target)
    return f"≥{target}%" if h.figure == "rate" else f"≥{target}%（满意度得分按 {target} 分理解）"


def judging_text(h) -> str:
    """'；是否达到目标以单侧置信界判定（Gaffke 有界均值精确单侧界），双侧区间仅作说明': how the verdict reads the bounds,
    after the target in the annex's conclusion (the verdict itself is said once, in the C51 paragraph after it);
    '' for a census (nothing to read)."""
    return "" if h.judgement.census else f"；是否达到目标以单侧置信界判定（{h.bound_method}），双侧区间仅作说明"


def points_range_text(headline) -> str:
    """What sampling luck is worth: the points at the interval's two ends (printed as the interval is)."""
    p = headline.points
    if headline.judgement.census:
        return ""
    low, high = headline.ends_text(p.at_low.value_pct, p.at_high.value_pct)
    return (f"按双侧 95% 置信区间两端（{low}、{high}）计，"
            f"该指标得分分别为 {num(p.points_low, 2)} 分和 {num(p.points_high, 2)} 分。")


def strata_text(result) -> tuple[str, str] | None:
    """A stratified headline's arithmetic in exact operands (办件量 and counts, so it can be redone by hand or
    in Excel), and each point's figures: ('各采集点按办件量占比加权：Σ(…) = 900/1000 × 28/30 + … = 94.7%',
    '业务大厅：办件量 900 件（占比 90.0%），有效回答 30 份，满意 28 份（93.3%）；…。'); None if not stratified."""
    h, field = result.headline, result.fieldwork
    if h is None or not h.strata or field is None:
        return None
    points = {p.id: p for p in field.points}
    rate = h.figure == "rate"

    def count(st) -> float:  # satisfied answers, or the points summed
        return round(st.value * st.n / 100) if rate else st.value * st.n

    terms = " + ".join(f"{points[st.point_id].served}/{field.total.served} × {num(count(st))}/{st.n}"
                       for st in h.strata)
    formula = (f"各采集点按办件量占比加权：Σ(办件量占比 × 采集点{'满意率' if rate else '得分'}) = {terms} = "
               + h.text(h.value))
    each = "；".join(
        f"{points[st.point_id].name}：办件量 {points[st.point_id].served} 件（占比 {pct(100 * st.share)}），"
        f"有效回答 {st.n} 份，" + (f"满意 {count(st)} 份（{pct(st.value)}）" if rate
                                  else f"得分合计 {num(count(st))} 分（平均 {num(st.value)} 分）")
        for st in h.strata)
    return formula, each + "。"


def unserved_text(result) -> str:
    """'2号窗口未填报办件量且无有效问卷，未计入办件量合计，也不参与按办件量分层估计的加权': the points a summed
    办件量 leaves out ('' when none does, or when no total is summed). A total is summed only when every point
    with valid answers has its 办件量 (fieldwork.Fieldwork.complete), so these points have none; the strata's
    shares are over the points with 办件量 entered (Fieldwork.shares), so a stratified figure leaves them out too."""
    field = result.fieldwork
    if field is None or field.total.served is None:
        return ""
    names = [p.name for p in field.points if p.served is None]
    if not names:
        return ""
    weighted = "，也不参与按办件量分层估计的加权" if result.headline is not None and result.headline.strata else ""
    return f"{'、'.join(names)}未填报办件量且无有效问卷，未计入办件量合计{weighted}"


def stratified_choice_text(result) -> str:
    """Which figure of the headline item C51 uses when it is stratified, beside the plain one every item's paragraph
    prints: '全部 50 份有效问卷不加权计算的满意度得分为 97.6 分；C51 指标采用满意度得分（按办件量分层估计） 96.9 分，
    因为…。' ('' for a simple headline). The annex's item paragraph and conclusion and the working paper say it so."""
    h = result.headline
    if h is None or not h.strata:
        return unstratified_text(result)
    item = result.question(next(iter(result.questionnaire.headline.weights)))
    if h.figure == "score":
        plain, n = h.text(item.score.score), item.score.n
    else:
        rate = next(r for r in (item.rate, item.top2, item.top3) if set(r.satisfied) == set(h.satisfied))
        plain, n = h.text(100 * rate.rate), rate.n
    return (f"全部 {n} 份有效问卷不加权计算的{h.label.removesuffix(STRATIFIED)}为 {plain}；C51 指标采用{h.label} "
            f"{h.text(h.value)}：各采集点的回答按其办件量占比加权，使每个采集点按其办理的业务量代表调查期间"
            f"前来办事的群众（各采集点回收的问卷数与办件量成比例时，两者相同）。")


def unstratified_text(result) -> str:
    """Why a figure that could be stratified is not: '巴依托海镇便民服务站（有效问卷 6 份）未填报办件量，C51 指标未按
    办件量分层估计，按全部有效问卷不加权计算。' when 办件量 is entered at some points but not at every point
    with valid answers (Fieldwork.complete); '' otherwise. The dashboard, the annex and the working paper say it,
    so the method never changes unannounced."""
    h, field = result.headline, result.fieldwork
    if (h is None or h.strata or field is None or len(result.questionnaire.headline.weights) != 1
            or not any(p.served for p in field.points) or sum(p.valid > 0 for p in field.points) < 2):
        return ""
    missing = "、".join(f"{p.name}（有效问卷 {p.valid} 份）" for p in field.points if p.valid > 0 and not p.served)
    return f"{missing}未填报办件量，C51 指标未按办件量分层估计，按全部有效问卷不加权计算。" if missing else ""


def basis_text(result) -> str | None:
    """How a one-item, unstratified C51 figure is computed, with its operands, as the dashboard, the annex and the
    working paper print it: '题目“…”：Σ(人数 × 分值) ÷ n = (46×100 + 2×80 + 2×60) ÷ 50 = 97.6 分' or
    '题目“…”：满意率＝选择“非常满意”“比较满意”的人数 ÷ 有效问卷数 = 48 ÷ 50 × 100% = 96.0%'. None for a composite or a stratified figure (``strata_text``)."""
    h, weights = result.headline, result.questionnaire.headline.weights
    if h is None or h.strata or len(weights) != 1:
        return None
    item = result.question(next(iter(weights)))
    head = f"题目“{item.question.label}”："
    if h.figure == "score":
        ladder = item.question.points
        terms = " + ".join(f"{row.count}×{num(ladder[row.code])}" for row in item.table.rows if row.code in ladder)
        return f"{head}Σ(人数 × 分值) ÷ n = ({terms}) ÷ {item.n} = {h.text(h.value)}"
    if h.successes is None:
        return None
    q = item.question  # the options the rate counts: the questionnaire's own (satisfied = true), or its top two/three
    chosen = "".join(f"“{q.option(c).label}”" for c in q.scored_codes if c in h.satisfied)
    whole = "有效问卷数" if h.n == result.valid else "本题有效回答数"
    return (f"{head}{h.label}＝选择{chosen}的人数 ÷ {whole} = {h.successes} ÷ {h.n} × 100% = "
            f"{h.text(h.value)}")


def formula_text(h) -> str:
    """The points' arithmetic in the working paper, in words and units: '97.6 分 ≥ 95 分，得满分 5 分' (a figure at or
    above its target), else the rule's formula with its result in 分: 'max(0, 5 − 0.3 × (95 − 93.2)) = … = 4.46 分'."""
    p = h.points.at_estimate
    if p.met:
        target = f"{num(h.target)} 分" if h.figure == "score" else f"{num(h.target)}%"
        return f"{with_units(h)[0]} ≥ {target}，得满分 {num(p.maximum)} 分"
    return p.formula.replace("; ", "；") + " 分"


def receipt_facts(result) -> tuple[str, str, str] | None:
    """(截至 time, 回执摘要, public key fingerprint) of the result's receipt as the documents print them; None without."""
    from ..store.receipts import fingerprint, short_digest

    r = result.receipt
    if not r:
        return None
    when = shown(r.get("as_of"), datetime.fromisoformat(result.computed_at).tzinfo, label="offset")
    return when, short_digest(r), fingerprint(r["public_key"])


def receipt_text(result) -> str:
    """The receipt the annex and the working paper print (its digest and time), for the department to keep."""
    facts = receipt_facts(result)
    if facts is None:
        return ""
    when, short, key = facts
    return (f"数据回执：截至 {when}的数据（回收问卷 {result.receipt['counts']['returned']} 份），回执摘要 {short}，"
            f"评价机构签名公钥指纹 {key}。被评价单位可保存回执文件，日后请评价机构或第三方据此核验数据未被改动。")


def day_text(day: str) -> str:
    """'2024-08-13' -> '2024 年 8 月 13 日': a date as the documents print it."""
    y, m, d = day.split("-")
    return f"{int(y)} 年 {int(m)} 月 {int(d)} 日"


def survey_period_text(result) -> str:
    """'有效问卷提交于 2024 年 8 月 13 日至 2024 年 8 月 20 日' (one day: '有效问卷均提交于 2024 年 8 月 13 日'): the
    dates the data show, those of the first and last valid answer (not when the QR codes were posted), as the
    annex's 调研开展情况 and the working paper's 评价依据 cite them; '' before any. With paper forms entered, it says
    that theirs is the day they were typed in (the day the form was filled in is nowhere stored)."""
    days = survey_days(result)
    if not days:
        return ""
    first, last = day_text(days[0]), day_text(days[1])
    entered = PAPER_DATED if result.fieldwork.total.paper else ""
    return f"有效问卷均提交于 {first}{entered}" if first == last else f"有效问卷提交于 {first}至 {last}{entered}"


PAPER_DATED = "（纸质问卷按录入系统的日期计）"


def survey_days(result) -> tuple[str, str] | None:
    """The local dates ('2024-08-13') of the first and the last valid response: the survey's dates as the annex
    (调研开展情况) and the workbook (概况) give them; None before any."""
    days = sorted({day for day, _, _ in result.daily})
    return (days[0], days[-1]) if days else None
