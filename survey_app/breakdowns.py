"""Breakdowns (交叉分析, issue #14): the headline item's rate and score by collection point, by each
demographic question and by point × group, each group compared with the rest of the survey
(``analysis.breakdown``: Clopper–Pearson and Gaffke intervals, Newcombe and Welch differences, Holm-adjusted).

Counts by point are the tallies; counts by group are the store's folded group counts
(``store.group_counts``). A group below ``min_n`` answers is 样本不足: its n is shown, never a bare
percentage, and it is not compared. Only marked groups are called higher or lower anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass

import analysis

from .headline import CONFIDENCE, rate_method
from .questionnaires import Question, Questionnaire

MIN_N = 10  # the default smallest group shown with its figures (FLASK_BREAKDOWN_MIN_N)
MAX_BY = 3  # the most questions one may add to the breakdowns (另按题目分组, ?by=, `manyi export --by`)
ADJUST = "holm"  # the default multiple-comparison control (FLASK_BREAKDOWN_ADJUST: holm, bh, bonferroni)
UNANSWERED = "未作答"
ADJUST_ZH = {"holm": "Holm 法", "bh": "Benjamini–Hochberg 法（控制错误发现率）", "bonferroni": "Bonferroni 法",
             "none": "未作多重比较校正"}


def settings(config, adjust: str | None = None) -> dict:
    """``min_n`` and ``adjust`` for ``results.compute`` from the app's configuration (BREAKDOWN_MIN_N,
    BREAKDOWN_ADJUST), ``adjust`` overridden by a known method asked for on the page."""
    chosen = adjust if adjust in ("holm", "bh", "bonferroni") else config.get("BREAKDOWN_ADJUST", ADJUST)
    return {"min_n": int(config.get("BREAKDOWN_MIN_N", MIN_N)), "adjust": chosen}


def chosen_by(questionnaire: Questionnaire, asked) -> tuple[tuple[str, ...], str | None]:
    """The questions added to the breakdowns from those ``asked`` for (the page's 另按题目分组 and its download
    links: ?by=, repeatable; `manyi export --by`), the one reading of that choice: blanks dropped, a repeat
    once, the first MAX_BY kept, each checked (``check_group_question``). Returns (ids, None), or ((), why in
    Chinese) when one cannot group: then the page and every file show the default tables."""
    weights = questionnaire.headline.weights
    item = next(iter(weights), "")
    ids = tuple(dict.fromkeys(str(qid) for qid in asked if qid))[:MAX_BY]
    try:
        for qid in ids:
            check_group_question(questionnaire, qid, item)
    except ValueError as error:
        return (), str(error)
    return ids, None


@dataclass(frozen=True)
class BreakdownTable:
    key: str  # "point", a question id, or "point×<question id>"
    title: str  # 按采集点 / 按年龄 / 按采集点 × 年龄
    group_label: str  # the column heading of the groups: 采集点 / 年龄
    result: analysis.Breakdown  # rows in display order, labels as printed

    @property
    def marked(self) -> tuple:
        return tuple(r for r in self.result.rows if r.marked or r.score_marked)


@dataclass(frozen=True)
class Breakdowns:
    item: Question  # the headline item every table breaks down
    figure: str  # the headline's figure ("rate" or "score"): which column leads
    satisfied: tuple[str, ...]  # the codes counted satisfied in every rate
    tables: tuple[BreakdownTable, ...]
    notes: tuple[str, ...]
    min_n: int
    adjust: str
    population: int | None = None  # N: the 合计 row's intervals use it, as the survey's own figures do
    stratified: str = ""  # the C51 figure as printed when it is stratified by 办件量 (the 合计 row is not)
    score_note: str = ""  # what N did to the 合计 row's score interval (analysis.fpc.interval_note): '' without N

    def census(self, table: "BreakdownTable") -> bool:
        """A table's 合计 row covers all N (n = N): its figures are exact, printed without an interval."""
        return analysis.census(table.result.total.n, self.population)

    def figures(self, table: "BreakdownTable") -> tuple[str, ...]:
        """The figures a table gives, the headline's first: ("score", "rate") or ("rate",) ... (the dashboard's
        forest plot and the annex's chart draw the first)."""
        if not any(r.score is not None for r in table.result.rows):
            return ("rate",)
        return ("score", "rate") if self.figure == "score" else ("rate", "score")

    @property
    def rate_method(self) -> str:
        """The 合计 row's rate interval, as the headline words it (``headline.rate_method``)."""
        return rate_method(self.population)

    @property
    def method_text(self) -> str:
        level = f"{CONFIDENCE:.0%}"
        score = ("，得分为 Gaffke 区间、与其余样本之差为 Welch 区间（各组方差计入量表两端各一个虚拟回答，"
                 "以免全选一档的小组被当作没有抽样误差）") if self.item.points else ""
        control = ("未作多重比较校正，p < {a} 的组即标为" if self.adjust == "none" else
                   f"差异检验在每张表内、满意率与得分分别以 {ADJUST_ZH[self.adjust]}作多重比较校正（差值的置信区间未作校正，"
                   "区间不含 0 而校正后 p 不小于 {a} 的组不标），校正后 p < {a} 的组才标为")
        return (f"各组满意率为 Clopper–Pearson {level} 精确置信区间，与其余样本之差为 Newcombe 区间{score}；"
                "各差值的 p 值与其区间一致（区间恰好不含 0 时的显著性水平；得分为同一 Welch t 检验）；"
                + control.format(a=f"{1 - CONFIDENCE:.2f}")
                + f"“高于”或“低于”其余样本；有效回答少于 {self.min_n} 份的组标为“样本不足”，不作比较，"
                f"其余样本少于 {self.min_n} 份时也不作比较。"
                + self._total_text)

    @property
    def _total_text(self) -> str:
        """How the 合计 row uses N: a census (n = N) has no sampling error, as the headline says; that it is
        every answer unweighted when C51 takes the stratified figure."""
        unweighted = (f"合计行按全部有效问卷不加权计算，C51 指标采用的按办件量分层估计为 {self.stratified}，两者口径不同。"
                      if self.stratified else "")
        return unweighted + self._population_text

    @property
    def _population_text(self) -> str:
        if not self.population:
            return ""
        if self.tables and self.census(self.tables[0]):
            return f"合计行为全面调查（n = N = {self.population}），无抽样误差，与全样本结果一致；各组不作校正。"
        return (f"合计行的满意率为{self.rate_method}"
                + (f"、得分为 Gaffke 区间（{self.score_note}）" if self.item.points and self.score_note else "")
                + "，与全样本结果一致；各组不作校正。")


def group_questions(questionnaire: Questionnaire, item_id: str) -> tuple[Question, ...]:
    """The questions a survey is broken down by on its pages: single-choice demographic questions."""
    return tuple(q for q in questionnaire.questions
                 if q.role == "demographic" and q.type == "single" and q.id != item_id)


def group_pairs(questionnaire: Questionnaire, by: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The (grouping question, item) pairs ``compute`` reads from the store's group counts (``by``: the
    questions added, as ``chosen_by`` gives them)."""
    weights = questionnaire.headline.weights
    if len(weights) != 1:
        return []
    item = next(iter(weights))
    ids = [q.id for q in group_questions(questionnaire, item)]
    return [(qid, item) for qid in ids + [qid for qid in by if qid not in ids]]


def check_group_question(questionnaire: Questionnaire, qid: str, item_id: str) -> Question:
    """The question ``qid`` if a survey can be broken down by it, else ValueError in Chinese."""
    try:
        question = questionnaire.question(qid)
    except KeyError:
        shown = qid if len(qid) <= 40 else qid[:40] + "…"
        raise ValueError(f"问卷中没有题目“{shown}”，无法按其分组。") from None
    if question.type == "text":
        raise ValueError(f"“{question.label}”是文字题，回答各不相同，不能作为分组依据；请选择单选题。")
    if question.type != "single":
        raise ValueError(f"“{question.label}”是多选题，一人可属多组，不能作为分组依据；请选择单选题。")
    if question.id == item_id:
        raise ValueError(f"“{question.label}”就是被分析的满意度题目，不能按其自身分组。")
    return question


def compute(store, survey_id: int, questionnaire: Questionnaire, result, *, by: tuple[str, ...] = (), tallies=None,
            min_n: int = MIN_N, adjust: str = ADJUST) -> Breakdowns | None:
    """The survey's breakdowns: by point (two points or more), by each demographic question and by
    point × that question, and by the questions in ``by`` (checked: ValueError in Chinese); ``tallies``:
    the survey's ``store.tallies`` when the caller has read them already. None when the headline is a
    composite of several items or has no answers yet."""
    weights = questionnaire.headline.weights
    if len(weights) != 1 or result.headline is None:
        return None
    item = questionnaire.question(next(iter(weights)))
    extra = tuple(check_group_question(questionnaire, qid, item.id) for qid in by)
    satisfied = satisfied_codes(result.survey, item)
    scored = set(item.scored_codes)
    points = item.points
    level = CONFIDENCE
    own = result.question(item.id).rate  # the item's own figure: its N correction (None without N) is the total's
    population = own.population if own is not None else None

    def table(key, title, heading, groups):
        res = analysis.breakdown(groups, satisfied=satisfied, points=points, confidence_level=level,
                                 min_n=min_n, adjust=adjust, population=population)
        return BreakdownTable(key, title, heading, res)

    names = {p.id: p.name for p in result.points}
    tables, notes = [], []
    by_point = {name: {} for name in names.values()}
    for t in store.tallies(survey_id) if tallies is None else tallies:
        if t["question_id"] == item.id and t["value"] in scored and t["point_id"] in names:
            counts = by_point[names[t["point_id"]]]
            counts[t["value"]] = counts.get(t["value"], 0) + t["n"]
    answered_points = [name for name, counts in by_point.items() if sum(counts.values())]
    if len(answered_points) >= 2:
        tables.append(table("point", "按采集点", "采集点", {name: by_point[name] for name in answered_points}))
    else:
        notes.append("本调查只有一个采集点有有效回答，不作按采集点的比较。")
    questions = group_questions(questionnaire, item.id)
    questions += tuple(q for q in extra if q not in questions)
    for question in questions:
        rows = store.group_counts(survey_id, question.id, item.id)
        labels = {o.code: str(o.label) for o in question.options}
        one, two = {}, {}
        for row in rows:
            if row["value"] not in scored:
                continue
            group = labels.get(row["group_value"], UNANSWERED) if row["group_value"] else UNANSWERED
            for target, key in ((one, group), (two, (names.get(row["point_id"], "?"), group))):
                counts = target.setdefault(key, {})
                counts[row["value"]] = counts.get(row["value"], 0) + row["n"]
        order = [*labels.values(), UNANSWERED]
        one = {g: one[g] for g in order if g in one}
        if one:
            tables.append(table(question.id, f"按{question.heading}", question.heading, one))
        if len(answered_points) >= 2 and one:
            two = {f"{p} · {g}": two[(p, g)] for p in answered_points for g in order if (p, g) in two}
            tables.append(table(f"point×{question.id}", f"按采集点 × {question.heading}",
                                f"采集点 · {question.heading}", two))
    h = result.headline
    score = result.question(item.id).score
    return Breakdowns(item, h.figure, tuple(sorted(satisfied)), tuple(tables), tuple(notes),
                      min_n, adjust, population, h.text(h.value) if h.strata else "",
                      analysis.fpc.interval_note(score) if score is not None and population else "")


def satisfied_codes(survey: dict, item: Question) -> set[str]:
    """The codes the survey's headline rate counts satisfied for ``item`` (top-2 / top-3 when the survey
    says so, else the options marked satisfied, else the top two): one definition for every comparison."""
    codes = item.scored_codes
    figure = survey.get("c51_figure")
    if figure == "top2":
        return set(codes[:2])
    if figure == "top3":
        return set(codes[:3])
    return set(item.satisfied or codes[:2])
