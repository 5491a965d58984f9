"""One verdict per figure, everywhere (issue 12, item 1): the dashboard, the JSON, the XLSX, both DOCX, the HTML
working paper and ``manyi analyse`` on the survey's JSON download print the same verdict and the same
deciding bound, for the Yining survey read as a score (its report's reading), as a rate, with a population N,
and against a target it misses."""
import html
import io
import json

import docx
import openpyxl
import pytest

import analysis
from analysis.cli import main as analyse
from survey_app.reports import wording
from tests.reports_helpers import download, exclude_one_q5_c, filled, result_of, shown  # noqa: F401

CASES = {
    "score": {},
    "rate": {"c51_figure": "top2"},
    "rate-with-N": {"c51_figure": "top2", "population": 60},
    "score-with-N": {"population": 60},
    "score-with-large-N": {"population": 500},
    "score-missed": {"target": 99.5},
}
# What N did, as every output words it beside the interval: a rate's interval with N is the exact hypergeometric
# one; 50 of 60 moves the score's interval (99.36 → 98.00 分) and the correction is named with its sampling
# fraction; 50 of 500 leaves the printed interval as it is without N, and no output claims a correction.
POPULATION_WORDS = {"rate-with-N": "精确超几何区间（有限总体，N = 60）", "score-with-N": "有限总体校正，N = 60，抽样比 83.3%",
                    "score-with-large-N": "总体 N = 500，抽样比 10.0%，有限总体校正对区间无影响"}


def _docx_text(response) -> str:
    document = docx.Document(io.BytesIO(response.get_data()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _xlsx_text(response) -> str:
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v)


def _xlsx_cells(response) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if row and isinstance(row[0], str) and len(row) > 1:
                found.setdefault(row[0], row[1])
    return found


@pytest.mark.parametrize("case", list(CASES))
def test_every_output_prints_the_one_verdict(case, app, database, admin_client, filled, tmp_path, capsys):
    database.update_survey(filled, **CASES[case])
    h = result_of(app, database, filled).headline
    text = h.verdict_text
    assert text.startswith("单侧 95% 置信")
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    assert f'<span id="verdict-text">{text}</span>' in page
    assert f'<span class="verdict {h.verdict}">' in page
    summary = json.loads(download(admin_client, filled, "json").get_data())
    assert (summary["headline"]["verdict"], summary["headline"]["verdict_text"]) == (h.verdict, text)

    def keys(node):
        if isinstance(node, dict):
            return [k for k, v in node.items() for k in (k, *keys(v))]
        return [k for v in node for k in keys(v)] if isinstance(node, list) else []
    assert "met" not in keys(summary) and keys(summary).count("verdict") == 1  # one verdict in the file
    cells = _xlsx_cells(download(admin_client, filled, "xlsx"))
    assert cells["判定说明"] == text and cells["目标判定"] == h.judgement.verdict_zh
    # the points at the interval's ends, as the page and the documents print them (num: two places)
    assert (cells["双侧 95% 区间下限对应得分"], cells["双侧 95% 区间上限对应得分"]) == (
        round(h.points.points_low, 2), round(h.points.points_high, 2))
    assert cells["计算过程"] == wording.formula_text(h)  # in words and units, as the 底稿 writes it
    assert f"{analysis.formatting.num(h.points.points_low)}" in page
    for fmt in ("docx-annex", "docx-c51"):
        assert text in _docx_text(download(admin_client, filled, fmt)), fmt
    c51_page = html.unescape(admin_client.get(f"/admin/surveys/{filled}/c51").get_data(as_text=True))
    assert text in c51_page
    if case in POPULATION_WORDS:  # the N beside the interval and the bound, and what it did to them
        method, population = POPULATION_WORDS[case], CASES[case]["population"]
        assert method in h.method and f"N = {population}" in h.bound_method
        assert cells["总体规模 N（用于有限总体的区间和判定）"] == population and cells["区间方法"] == h.method
        book = _xlsx_text(download(admin_client, filled, "xlsx"))
        outputs = (page, c51_page, book, *(_docx_text(download(admin_client, filled, fmt)) for fmt in ("docx-annex", "docx-c51")))
        for shown in outputs:
            assert method in shown
        if case == "score-with-large-N":  # the premise: N = 500 leaves the printed interval as it is without N
            assert all("有限总体校正，N" not in shown for shown in outputs)
            assert "有限总体校正对单侧界无影响" in h.bound_method
            database.update_survey(filled, population=None)
            plain = result_of(app, database, filled).headline
            database.update_survey(filled, **CASES[case])
            assert h.ends_text(h.low, h.high) == plain.ends_text(plain.low, plain.high)
    # the command line, on the JSON download, judges the same figure the same way
    path = tmp_path / "survey.json"
    path.write_bytes(download(admin_client, filled, "json").get_data())
    assert analyse([str(path)]) == 0
    out = capsys.readouterr().out
    assert text in out
    if case in POPULATION_WORDS:   # the rate and score lines name the interval as the page and the documents do
        assert f"(精确超几何区间（有限总体，N = {CASES[case]['population']}）)" in out
        assert h.figure == "rate" or f"; {POPULATION_WORDS[case]})" in out
        assert case != "score-with-large-N" or "有限总体校正，N" not in out
    assert analyse([str(path), "--json"]) == 0
    item = json.loads(capsys.readouterr().out)["items"][0]
    assert item["id"] == "q5" and item["verdict"]["verdict"] == h.verdict
    assert item["verdict"]["figure"] == h.figure


# one response excluded: 98.37 分 (two decimals), and 48 of 49 = 97.96 % against 98 % (never printed as 98.0%)
# and 96.0 % against 97.5 %: points deducted, the formula's operand printed as the rate (97.5 − 96.0, not 96)
DIGIT_CASES = {**CASES, "score-two-decimals-excluded": {}, "rate-below-target-excluded": {"c51_figure": "top2", "target": 98},
               "rate-deducted": {"c51_figure": "top2", "target": 97.5}}


@pytest.mark.parametrize("case", list(DIGIT_CASES))
def test_every_output_prints_the_headline_with_the_same_digits(case, app, database, admin_client, filled, tmp_path,
                                                               capsys):
    """The same figure, the same digits (analysis/formatting.py): the headline figure, its interval's two ends,
    the deciding bound and the verdict words read the same strings on the dashboard, in the 附件3 annex, in the
    C51 working paper, in the XLSX as Excel shows its cells, and in ``manyi analyse`` on the JSON download: a
    score of 97.6 分 is never 97.60 in the workbook, a score's 5 points never 5.00."""
    database.update_survey(filled, **DIGIT_CASES[case])
    if case.endswith("excluded"):
        exclude_one_q5_c(database)
    h = result_of(app, database, filled).headline
    value = h.text(h.value)                                    # '97.6 分', '96.0%'
    assert value == {"score-two-decimals-excluded": "98.37 分", "rate-below-target-excluded": "97.96%"}.get(case, value)
    low, high = h.ends_text(h.low, h.high)                     # '91.47 分', '99.36 分'
    unit = " 分" if h.figure == "score" else "%"
    interval = f"{low.removesuffix(unit)}–{high}" if h.figure == "score" else f"{low}–{high}"
    bound = analysis._text.bound_text(h.judgement).rpartition(" ")[2] if h.figure == "rate" else \
        analysis._text.bound_text(h.judgement).split(" ")[-2] + " 分"
    points = analysis.formatting.num(h.points.at_estimate.points)
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    annex, paper = (_docx_text(download(admin_client, filled, fmt)) for fmt in ("docx-annex", "docx-c51"))
    path = tmp_path / "survey.json"
    path.write_bytes(download(admin_client, filled, "json").get_data())
    assert analyse([str(path)]) == 0
    cli = capsys.readouterr().out
    for name, text in (("page", page), ("annex", annex), ("working paper", paper), ("manyi analyse", cli)):
        for figure in (value, interval, bound, h.verdict_text):
            assert figure in text, (name, figure)
    assert h.judgement.verdict_zh in page and h.judgement.verdict_zh in cli  # the documents word it in the sentence
    for name, text in (("page", page), ("annex", annex), ("working paper", paper)):
        assert f"得分 {points} 分" in text or f"{points} / {analysis.formatting.num(h.points.at_estimate.maximum)}" in text, name
    book = openpyxl.load_workbook(io.BytesIO(download(admin_client, filled, "xlsx").get_data()))
    cells = {r[0].value: r[1] for r in book["概况"].iter_rows() if len(r) > 1}
    suffix = "（分）" if h.figure == "score" else ""
    unit_less = (value, low, high, bound) if h.figure == "rate" else tuple(x.removesuffix(" 分") for x in
                                                                           (value, low, high, bound))
    side = "下限" if h.judgement.deciding == "lower" else "上限"
    assert (shown(cells[f"估计值{suffix}"]), shown(cells[f"双侧 95% 置信下限{suffix}"]),
            shown(cells[f"双侧 95% 置信上限{suffix}"]), shown(cells[f"判定依据：单侧 95% 置信{side}{suffix}"])) == unit_less
    assert cells["目标判定"].value == h.judgement.verdict_zh and cells["判定说明"].value == h.verdict_text
    assert shown(cells["C51 得分"]) == points
    # the points' arithmetic names the figure with the same digits, in the working paper and the workbook
    formula = wording.formula_text(h)
    assert value.removesuffix("%").removesuffix(" 分") in formula and f"计算过程：{formula}" in paper and cells["计算过程"].value == formula
    assert (shown(cells["双侧 95% 区间下限对应得分"]), shown(cells["双侧 95% 区间上限对应得分"])) == (
        analysis.formatting.num(h.points.points_low), analysis.formatting.num(h.points.points_high))


def test_the_cases_cover_all_three_verdicts_and_both_figures(app, database, filled):
    seen = set()
    for settings in CASES.values():
        database.update_survey(filled, **{"c51_figure": None, "population": None, "target": None, **settings})
        h = result_of(app, database, filled).headline
        seen.add((h.figure, h.verdict))
    assert {figure for figure, _ in seen} == {"score", "rate"}
    assert {verdict for _, verdict in seen} >= {"unresolved", "missed"}


def test_the_interval_beside_a_verdict_always_holds_the_bound_that_decides(app, database):
    """16 of 19 against 95 %: a Wilson interval (62.4–94.5 %) lay wholly below the target beside an exact verdict
    尚不能判定 (upper bound 95.5 %), and an evaluator read a contradiction. The rate's two-sided interval is now
    the exact Clopper–Pearson one, which holds both one-sided bounds for every x ≤ n ≤ 80: an undecided verdict
    always has the target inside the interval printed beside it."""
    from analysis import rate_verdict
    from survey_app import headline as headlines, questionnaires, results
    q = questionnaires.catalogue(app).get("yining-2024-public", 1)
    qr = {x.id: results.question_result(x, {"A": 16, "D": 3} if x.id == "q5" else {}) for x in q.questions}
    h = headlines.headline({"rule": "xinjiang-c51", "c51_figure": "top2"}, q, qr, None, None, None)
    assert h.verdict == "unresolved" and h.low < 95 < h.high and h.method == "Clopper–Pearson 精确区间"
    assert round(qr["q5"].top2.ci.high, 12) == round(h.judgement.ci.high, 12)  # the item's line, the same interval
    for n in range(1, 81):
        for x in range(n + 1):
            v = rate_verdict(x, n, target=0.9, interval_method=headlines.RATE_METHOD)
            assert v.ci.low <= v.low <= v.estimate <= v.high <= v.ci.high, (x, n)
            if v.verdict == "unresolved":
                assert v.ci.low <= 0.9 <= v.ci.high, (x, n)