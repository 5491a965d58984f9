"""The words of the annex's 分组比较 subsection (issue #14): for the breakdown by point and by each background
question, a paragraph of every group's figures and what differs, and a forest chart ("forest", table, figure,
axis label, caption). The point × question tables are long: the annex points to their sheets in the XLSX.

A small group (n below the smallest size) is given with its n and 样本不足, never with a percentage; only a
group marked after the multiple-comparison control is called 高于 or 低于 其余样本.
"""
from __future__ import annotations

from analysis.formatting import num, num_below, nums, pct_below, span

from .wording import ROLE_WORDS
from .wording import minus as _minus


def one_way(breakdowns) -> tuple:
    """The tables the annex shows: by point and by each question (not point × question)."""
    return tuple(t for t in breakdowns.tables if not t.key.startswith("point×"))


def _value(row, figure: str, rate_word: str, score_word: str, target: float | None = None) -> str:
    """A group's rate or score, below the survey's ``target`` printed below it (``pct_below``, ``num_below``)."""
    if figure == "rate":
        return (f"{rate_word} {pct_below(100 * row.rate, target)}（95% 置信区间 "
                f"{span(100 * row.rate_low, 100 * row.rate_high, '%', target)}）")
    return (f"{score_word} {num_below(row.score, target)} 分（95% 置信区间 "
            f"{span(row.score_low, row.score_high, '分', target)}）")


def _difference(row, figure: str) -> str:
    if figure == "rate":
        d = row.rate_difference
        diff, low, high = (_minus(t) for t in nums(100 * d.difference, 100 * d.low, 100 * d.high, digits=1))
        return f"差 {diff} 个百分点，95% 置信区间 {low} 至 {high} 个百分点"
    d, low, high = (_minus(t) for t in nums(row.score_difference.difference, row.score_difference.low,
                                            row.score_difference.high))
    return f"差 {d} 分，95% 置信区间 {low} 至 {high} 分"


def group_text(row, who: str, figures, words, target: float | None = None) -> str:
    """'业务大厅有效问卷 30 份，满意度得分 96.67 分（95% 置信区间 …），满意率 93.3%（…）' or, for a small group,
    '60 岁以上人员有效问卷 3 份，样本不足，不作比较'."""
    if row.small or row.rate is None:
        return f"{who}有效问卷 {row.n} 份，样本不足，不作比较"
    return f"{who}有效问卷 {row.n} 份，" + "，".join(_value(row, f, *words, target) for f in figures)


def verdict_text(table, adjust: str, figures, words, who, scope: str) -> str:
    """What differs from the rest of the survey after the multiple-comparison control, marked groups only."""
    rows = table.result.rows
    compared = [r for r in rows if r.rate_difference is not None or r.score_difference is not None]
    if not compared:
        return "有足够样本的组不足两个，不作组间比较。"
    lead = "经多重比较校正，" if adjust != "none" else "在未作多重比较校正的情况下，"
    names = {"rate": words[0], "score": words[1]}
    said, unmarked = [], False
    for figure in figures:
        for r in compared:
            marked, direction = (r.marked, r.direction) if figure == "rate" else (r.score_marked, r.score_direction)
            if marked:
                side = "高于" if direction == "higher" else "低于"
                said.append(f"{who(r.label)}的{names[figure]}显著{side}其余样本（{_difference(r, figure)}）")
            elif (r.rate_difference if figure == "rate" else r.score_difference) is not None:
                unmarked = True
    if not said:
        return f"{lead}{scope}的{'和'.join(names[f] for f in figures)}与其余样本相比差异均不显著。"
    return lead + "；".join(said) + ("；其余比较差异不显著。" if unmarked else "。")


def paragraph(breakdowns, table, figure_no: int, who, target: float | None = None) -> str:
    """'根据分组比较结果绘制了图8，如图所示，按采集点分组，业务大厅有效问卷 30 份，…。经多重比较校正，…。'"""
    words = ROLE_WORDS[breakdowns.item.role]
    figures = breakdowns.figures(table)
    point = table.key == "point"
    name = (lambda label: str(label)) if point else (lambda label: who(str(label)))
    groups = "；".join(group_text(r, name(r.label), figures, words, target) for r in table.result.rows)
    scope = "各采集点" if point else f"各{table.group_label}组"
    lead = f"根据分组比较结果绘制了图{figure_no}，如图所示，" if figure_no else ""  # no chart: every group too small
    return (f"{lead}{table.title}分组，{groups}。"
            + verdict_text(table, breakdowns.adjust, figures, words, name, scope))


def _word(breakdowns, table) -> str:
    """满意率 or 满意度得分 (知晓率 ...): the figure the table's chart shows, the headline's."""
    rate_word, score_word = ROLE_WORDS[breakdowns.item.role]
    return score_word if breakdowns.figures(table)[0] == "score" else rate_word


def caption(breakdowns, table, figure_no: int) -> str:
    return f"图{figure_no} {table.title}分组的{_word(breakdowns, table)}及其 95% 置信区间"


def _grouped_by(result, tables) -> list[str]:
    """What the groups of ``tables`` (bar the point's) are of: ['受访者基本信息'] for the background questions,
    and '“了解医保政策”的回答' for the questions the evaluator added (另按题目分组), which are no background."""
    roles = [(t.group_label, result.questionnaire.question(t.key).role) for t in tables if t.key != "point"]
    added = [f"“{label}”" for label, role in roles if role != "demographic"]
    return (["受访者基本信息"] if any(role == "demographic" for _, role in roles) else []) + (
        [f"{'、'.join(added)}的回答"] if added else [])


def blocks(result, first_figure: int, who):
    """The blocks under the 分组比较 heading (none without breakdowns or tables to show); figures numbered
    from ``first_figure``; ``who`` names a background group as the annex does ('男' -> '男性')."""
    b = result.breakdowns
    if b is None or not one_way(b):
        return
    shown = one_way(b)
    by_point, by_group = any(t.key == "point" for t in shown), any(t.key != "point" for t in shown)
    whom = "和".join(w for w, on in (("不同采集点", by_point), ("不同类型受访者", by_group)) if on)
    parts = ["采集点"] * by_point + _grouped_by(result, shown)
    by = "和".join(("、".join(parts[:-1]), parts[-1])) if len(parts) > 1 else parts[0]
    yield ("p", f"为了解{whom}对{b.item.label}的评价是否存在差异，下面按{by}分组，"
                f"将各组结果与其余样本（其他各组合计）进行比较。")
    figure_no = first_figure
    for i, table in enumerate(shown, 1):
        yield ("h3", f"{i}. {table.title}")
        drawn = any(not r.small for r in table.result.rows)  # a chart of "样本不足" lines only shows nothing
        yield ("p", paragraph(b, table, figure_no if drawn else None, who, result.target))
        if drawn:
            lead = b.figures(table)[0]
            axis = f"{_word(b, table)}（{'%' if lead == 'rate' else '分'}）"
            yield ("forest", table, lead, axis, caption(b, table, figure_no), result.target)
            figure_no += 1
    crossed = [t.title for t in b.tables if t.key.startswith("point×")]
    if crossed:
        yield ("p", f"按采集点与{'或'.join(_grouped_by(result, shown))}交叉分组（{'、'.join(crossed)}）的结果篇幅较长，未在此列出，"
                    f"见“数据与汇总”XLSX 文件中以“交叉-”开头的工作表。")
    for note in b.notes:
        yield ("p", note)
    yield ("p", "分组比较方法：" + b.method_text)
