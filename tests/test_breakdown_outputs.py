"""Breakdowns (交叉分析, issue #14) in the downloads: the JSON summary, one XLSX sheet per table and the annex's
分组比较 subsection with its forest charts, each read back and compared with SurveyResult.breakdowns (the
Yining survey's 50 answers at two points: 30 at 业务大厅, 20 at 1号窗口)."""
import io
import json
import re
from dataclasses import replace

import analysis
import docx
import openpyxl
import pytest
from analysis.formatting import fixed, num, num_below, nums, pct, span

from survey_app import breakdowns as bd
from survey_app.reports import breakdown_text, charts, workbook
from survey_app.reports.raw import sheet_text
from tests.hostile import HEADER_BREAK, HOSTILE
from tests.reports_helpers import download, filled, result_of, shown  # noqa: F401
from tests.yining import submit_all, yining_rows

TITLES = ["按采集点", "按年龄", "按采集点 × 年龄", "按性别", "按采集点 × 性别"]
SHEETS = ["交叉-按采集点", "交叉-按年龄", "交叉-按采集点×年龄", "交叉-按性别", "交叉-按采集点×性别"]
HEADER = list(workbook.BREAKDOWN_HEADER)
FIGURES = ("rate", "rate_low", "rate_high", "score", "score_low", "score_high")


def _docx(response):
    return docx.Document(io.BytesIO(response.get_data()))


def _table_rows(ws):
    """(header, [group rows], 合计 row, [rows under the table]) of a 交叉-… sheet."""
    rows = list(ws.iter_rows())
    start = next(i for i, r in enumerate(rows) if r[0].value == "组别")
    end = next(i for i, r in enumerate(rows) if r[0].value == "合计")
    return [c.value for c in rows[start]], rows[start + 1:end], rows[end], rows[end + 1:]


# -- JSON -----------------------------------------------------------------------------------------

def test_json_breakdowns_are_the_survey_results(app, database, admin_client, filled):
    got = json.loads(download(admin_client, filled, "json").get_data())["breakdowns"]
    b = result_of(app, database, filled).breakdowns
    assert (got["item"], got["figure"], got["satisfied"], got["min_n"], got["adjust"]) == (
        "q5", b.figure, list(b.satisfied), 10, "holm")
    assert got["method"] == b.method_text and got["notes"] == list(b.notes)
    assert [t["title"] for t in got["tables"]] == [t.title for t in b.tables] == TITLES
    for table, expected in zip(got["tables"], b.tables):
        assert (table["key"], table["group_label"]) == (expected.key, expected.group_label)
        pairs = list(zip(table["rows"], expected.result.rows)) + [(table["total"], expected.result.total)]
        assert len(table["rows"]) == len(expected.result.rows)
        for row, want in pairs:
            assert (row["label"], row["n"], row["satisfied"], row["small"]) == (want.label, want.n, want.satisfied,
                                                                                 want.small)
            small = want.small and want.label is not None  # 样本不足: n only, never a figure
            assert [row[k] for k in FIGURES] == [None if small else getattr(want, k) for k in FIGURES]  # raw floats
            for key, diff, adjusted, marked, direction in (
                    ("rate_difference", want.rate_difference, want.adjusted_p, want.marked, want.direction),
                    ("score_difference", want.score_difference, want.score_adjusted_p, want.score_marked,
                     want.score_direction)):
                if diff is None:
                    assert row[key] is None
                    continue
                assert {k: row[key][k] for k in ("difference", "low", "high", "p_value", "adjusted_p", "marked",
                                                 "direction")} == {
                    "difference": diff.difference, "low": diff.low, "high": diff.high, "p_value": diff.p_value,
                    "adjusted_p": adjusted, "marked": marked, "direction": direction}
    age = got["tables"][1]
    [old] = [r for r in age["rows"] if r["label"] == "60 岁以上"]
    assert old["small"] and old["n"] == 3 and old["rate_difference"] is None and old["score_difference"] is None
    hall = got["tables"][0]["rows"][0]
    assert hall["label"] == "业务大厅" and hall["n"] == 30 and hall["satisfied"] == 28


def test_no_breakdowns_before_any_answer(admin_client, yining):
    survey_id = yining[0]
    assert json.loads(download(admin_client, survey_id, "json").get_data())["breakdowns"] is None
    wb = openpyxl.load_workbook(io.BytesIO(download(admin_client, survey_id, "xlsx").get_data()))
    assert wb.sheetnames == ["概况", "汇总", "数据", "标签"]
    text = "\n".join(p.text for p in _docx(download(admin_client, survey_id, "docx-annex")).paragraphs)
    assert "分组比较" not in text


# -- XLSX -----------------------------------------------------------------------------------------

def test_xlsx_has_one_sheet_per_table_with_the_jsons_numbers(admin_client, filled):
    got = json.loads(download(admin_client, filled, "json").get_data())["breakdowns"]
    wb = openpyxl.load_workbook(io.BytesIO(download(admin_client, filled, "xlsx").get_data()))
    assert wb.sheetnames == ["概况", "汇总", *SHEETS, "数据", "标签"]
    for name, table in zip(SHEETS, got["tables"]):
        header, rows, total, under = _table_rows(wb[name])
        assert header == HEADER
        assert [r[0].value for r in rows] == [g["label"] for g in table["rows"]]
        for cells, group in zip(rows, table["rows"]):
            values = {h: c.value for h, c in zip(HEADER, cells)}
            assert (values["有效回答 n"], values["满意人数"]) == (group["n"], group["satisfied"])
            if group["small"]:
                assert values["结论"] == "样本不足" == values["得分结论"]
                assert all(c.value is None for c in cells[3:14]) and all(c.value is None for c in cells[15:20])
                continue
            figures = [c.value for c in cells[3:9]]
            assert all(isinstance(v, (int, float)) for v in figures)  # numbers, never text
            # rates as fractions shown in percent (0.933333 -> 93.3%), scores in 分 to 0.01
            assert figures[:3] == pytest.approx([group["rate"], group["rate_low"], group["rate_high"]], abs=1e-6)
            assert figures[3:] == pytest.approx([group["score"], group["score_low"], group["score_high"]], abs=1e-4)
            # each shown as the page prints it: a score by num (98 分, 98.18 分), its interval's ends alike (span)
            assert [c.number_format[-1] for c in cells[3:6]] == ["%"] * 3
            target = 95  # the survey's (tests/conftest.py yining)
            assert [shown(c) for c in cells[6:9]] == [num_below(group["score"], target),
                                                      *span(group["score_low"], group["score_high"], "", target).split("–")]
            rate, score = group["rate_difference"], group["score_difference"]
            # a difference of rates in percentage points (3.2 reads “3.2 个百分点”, as the dashboard), never 3.2%
            assert HEADER[9:12] == ["满意率与其余样本之差（个百分点）", "差的区间下限（个百分点）", "差的区间上限（个百分点）"]
            assert [c.value for c in cells[9:12]] == pytest.approx(
                [100 * rate["difference"], 100 * rate["low"], 100 * rate["high"]], abs=1e-4)
            assert [c.number_format for c in cells[9:12]] == ['0.0" 个百分点"'] * 3
            assert [c.value for c in cells[12:14]] == pytest.approx([rate["p_value"], rate["adjusted_p"]], abs=1e-4)
            assert [c.value for c in cells[15:20]] == pytest.approx(
                [score["difference"], score["low"], score["high"], score["p_value"], score["adjusted_p"]], abs=1e-4)
            assert cells[13].number_format == workbook.P_FORMAT == '[<0.001]"<0.001";0.000'  # as the page: p_text
            assert values["结论"] == ("差异不显著" if not rate["marked"] else
                                    "高于其余样本" if rate["direction"] == "higher" else "低于其余样本")
        sums = [c.value for c in total]
        assert sums[1:3] == [table["total"]["n"], table["total"]["satisfied"]] == [50, 48]
        assert sums[3:9] == pytest.approx([table["total"]["rate"], table["total"]["rate_low"],
                                           table["total"]["rate_high"], table["total"]["score"],
                                           table["total"]["score_low"], table["total"]["score_high"]], abs=1e-4)
        assert sums[3:6] == pytest.approx([table["total"]["rate"], table["total"]["rate_low"],
                                           table["total"]["rate_high"]], abs=1e-6)
        texts = [(r[0].value, r[1].value) for r in under if r and r[0].value]
        assert ("方法", got["method"]) in texts
    header, rows, *_ = _table_rows(wb["交叉-按年龄"])
    [old] = [r for r in rows if r[0].value == "60 岁以上"]
    assert [c.value for c in old[:3]] == ["60 岁以上", 3, 3] and old[3].value is None and old[14].value == "样本不足"


def test_sheet_names_are_safe_short_and_unique():
    taken = {"概况", "汇总"}
    assert workbook.sheet_name("交叉-按采集点×年龄", taken) == "交叉-按采集点×年龄"
    assert workbook.sheet_name("交叉-按采集点×年龄", taken) == "交叉-按采集点×年龄(2)"
    odd = workbook.sheet_name("'交叉-[a]:b*c?d/e\\f" + "长" * 40 + "\x0b", taken)
    assert len(odd) <= 31 and not set("[]:*?/\\") & set(odd) and not odd.startswith("'")
    long_name = "交叉-" + "长" * 40
    first, second = workbook.sheet_name(long_name, taken), workbook.sheet_name(long_name, taken)
    assert len(first) == len(second) == 31 and first != second and second.endswith("(2)")
    assert workbook.sheet_name("概况", set(taken)) == "概况(2)"


# -- the annex ------------------------------------------------------------------------------------

def test_annex_compares_the_groups_after_the_questions(app, database, admin_client, filled):
    document = _docx(download(admin_client, filled, "docx-annex"))
    paragraphs = document.paragraphs
    texts = [p.text for p in paragraphs]
    b = result_of(app, database, filled).breakdowns
    h2 = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert h2[h2.index("（二）项目实施分析") + 1] == "（三）分组比较"
    assert texts.index("（三）分组比较") < texts.index("五、结论")
    hall, window = b.tables[0].result.rows
    assert not any(t.marked for t in b.tables)  # the Yining answers differ nowhere after the Holm control

    def figures(row):
        return (f"满意度得分 {num(row.score)} 分（95% 置信区间 {num(row.score_low)}–{num(row.score_high)} 分），满意率 "
                f"{pct(100 * row.rate)}（95% 置信区间 {pct(100 * row.rate_low)}–{pct(100 * row.rate_high)}）")
    by_point = (f"根据分组比较结果绘制了图8，如图所示，按采集点分组，业务大厅有效问卷 30 份，{figures(hall)}；"
                f"1号窗口有效问卷 20 份，{figures(window)}。经多重比较校正，各采集点的满意度得分和满意率与其余样本相比差异均不显著。")
    assert by_point in texts
    assert "满意率 93.3%（95% 置信区间" in by_point
    section = "\n".join(texts[texts.index("（三）分组比较"):texts.index("五、结论")])
    assert [h for h in section.split("\n") if re.match(r"\d\. 按", h)] == ["1. 按采集点", "2. 按年龄", "3. 按性别"]
    assert "60 岁以上人员有效问卷 3 份，样本不足，不作比较" in section
    small = section[section.index("60 岁以上人员"):]
    assert "%" not in small[:small.index("。")]  # no bare percentage for a small group
    assert "业务大厅 · " not in section and "按采集点 × 年龄、按采集点 × 性别" in section  # the XLSX has them
    assert section.count(b.method_text) == 1 and "高于其余样本" not in section and "低于其余样本" not in section


def test_annex_figures_stay_numbered_and_each_has_its_chart(admin_client, filled):
    document = _docx(download(admin_client, filled, "docx-annex"))
    paragraphs = document.paragraphs
    every = [(i, p.text) for i, p in enumerate(paragraphs) if p.style.name == "Caption"]
    captions = [(i, t) for i, t in every if t.startswith("图")]  # the 频数表' 表 captions are numbered apart
    tables = [t.split(" ")[0] for _, t in every if t.startswith("表")]
    assert tables == [f"表{n}" for n in range(1, len(tables) + 1)] and len(tables) + len(captions) == len(every)
    assert [t.split(" ")[0] for _, t in captions] == [f"图{n}" for n in range(1, 11)]
    assert [t for _, t in captions[7:]] == ["图8 按采集点分组的满意度得分及其 95% 置信区间",
                                            "图9 按年龄分组的满意度得分及其 95% 置信区间",
                                            "图10 按性别分组的满意度得分及其 95% 置信区间"]
    for i, caption in captions:
        assert paragraphs[i - 1]._p.xpath(".//pic:pic"), f"no chart above {caption}"
        assert any(f"绘制了{caption.split(' ')[0]}，" in p.text for p in paragraphs[:i])
    assert len(document.inline_shapes) == 10


def _marked_table():
    groups = {"东区": {"A": 40, "C": 10}, "西区": {"A": 20, "C": 30}, "南区": {"A": 30, "C": 20},
              "北区": {"A": 3, "C": 1}}
    return bd.BreakdownTable("point", "按采集点", "采集点",
                             analysis.breakdown(groups, satisfied={"A"}, points={"A": 100, "C": 60}))


def test_only_marked_groups_are_called_higher_or_lower(app):
    table = _marked_table()
    east, west, south, north = table.result.rows
    assert (east.direction, west.direction, south.marked, north.small) == ("higher", "lower", False, True)
    from survey_app import questionnaires
    item = questionnaires.catalogue(app).get("yining-2024-public", 1).question("q5")
    b = bd.Breakdowns(item, "rate", ("A",), (table,), (), 10, "holm")
    text = breakdown_text.paragraph(b, table, 3, str)
    d = east.rate_difference
    assert (f"东区的满意率显著高于其余样本（差 {fixed(100 * d.difference)} 个百分点，95% 置信区间 "
            f"{fixed(100 * d.low)} 至 {fixed(100 * d.high)} 个百分点）") in text
    assert "西区的满意率显著低于其余样本（差 −" in text and "南区的满意率显著" not in text
    assert "明显" not in text  # a significant difference, in the statistical term; not a claim of its size
    assert "北区有效问卷 4 份，样本不足，不作比较" in text and "其余比较差异不显著" in text
    assert text.startswith("根据分组比较结果绘制了图3，如图所示，按采集点分组，东区有效问卷 50 份，满意率 80.0%")
    cells = {row.label: workbook.breakdown_row(row, row.label, scored=True) for row in table.result.rows}
    assert [cells[g][HEADER.index("结论")] for g in ("东区", "西区", "南区", "北区")] == [
        "高于其余样本", "低于其余样本", "差异不显著", "样本不足"]
    png = charts.forest_chart(table, "rate")
    assert png.startswith(b"\x89PNG") and charts.forest_chart(table, "score", "按采集点").startswith(b"\x89PNG")


# -- hostile stored text --------------------------------------------------------------------------

def test_hostile_point_names_do_not_break_the_xlsx_or_the_annex(app, database, admin_client, evaluator):
    survey_id = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1,
                                       title="伊宁", department="伊宁市医疗保障局", year=2024, target=95.0,
                                       target_n=50)
    names = (HOSTILE, HEADER_BREAK + "\ufffe\x0b$x^{$")
    codes = [database.add_point(survey_id, name)["code"] for name in names]  # past the form: stored as is
    database.grant(evaluator, survey_id)
    rows = yining_rows()
    submit_all(admin_client, codes[0], rows[:30])
    submit_all(admin_client, codes[1], rows[30:])
    wb = openpyxl.load_workbook(io.BytesIO(download(admin_client, survey_id, "xlsx").get_data()))
    assert SHEETS[0] in wb.sheetnames
    _, groups, _, _ = _table_rows(wb[SHEETS[0]])
    stored = {p["name"] for p in database.list_points(survey_id)}
    assert [r[0].value for r in groups] == [sheet_text(n) for n in names] and set(names) == stored
    assert groups[0][0].value.startswith("'=HYPERLINK") and "\ufffd" in groups[0][0].value  # never a formula
    assert all("\ufffe" not in str(c.value) for r in groups for c in r)
    document = _docx(download(admin_client, survey_id, "docx-annex"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "（三）分组比较" in text and "\ufffe" not in text and "\x0b" not in text
    assert "按采集点分组，=HYPERLINK(\"http://evil.example\",\"点此\")\ufffd\ufffd\ufffd" in text  # as Word holds it
    assert "名称有效问卷 30 份" in text
    assert len(document.inline_shapes) == 10
    got = json.loads(download(admin_client, survey_id, "json").get_data())["breakdowns"]
    assert [r["label"] for r in got["tables"][0]["rows"]] == list(names)


def test_a_chart_label_never_turns_into_mathtext_or_breaks_a_line():
    table = _marked_table()
    rows = tuple(replace(r, label=f"$\\frac{{{i}$\r\n\x0b\ufffe\ud800") for i, r in enumerate(table.result.rows))
    odd = replace(table, result=replace(table.result, rows=rows))
    assert charts.forest_chart(odd, "rate").startswith(b"\x89PNG")
    assert charts._label("a$b\r\nc\x01") == "a\\$b  c\ufffd"


def test_a_table_whose_groups_are_all_too_small_has_no_chart(admin_client, client, yining):
    """Six answers over two points: both 样本不足. The annex says so without an empty chart (an outside review
    found one with an axis of 87.25–89.00) and the figures stay numbered without a gap."""
    survey_id, codes = yining
    rows = yining_rows()[:6]
    submit_all(client, codes[0], rows[:3])
    submit_all(client, codes[1], rows[3:])
    document = _docx(download(admin_client, survey_id, "docx-annex"))
    texts = [p.text for p in document.paragraphs]
    section = "\n".join(texts[texts.index("（三）分组比较"):texts.index("五、结论")])
    assert "按采集点分组，业务大厅有效问卷 3 份，样本不足" in section and "绘制了图" not in section
    captions = [p.text.split(" ")[0] for p in document.paragraphs if p.style.name == "Caption" and p.text.startswith("图")]
    assert captions == [f"图{n}" for n in range(1, len(captions) + 1)] and len(document.inline_shapes) == len(captions)


def test_a_cell_never_rounds_across_the_pages_digits(app, database, filled):
    """A group's interval end of 91.47496 分 prints 91.47 on the page and in the annex; stored to 10⁻⁴ as 91.475 it
    read 91.48 in the workbook. Each figure of the row (score, its ends, the differences in 分 and 个百分点, the rate)
    shows in its cell what the page prints."""
    from types import SimpleNamespace
    table = result_of(app, database, filled).breakdowns.tables[0]
    row = table.result.rows[0]
    edge = replace(row, score=97.644996, score_low=91.47496, score_high=99.36504, rate=0.9674996,
                   score_difference=replace(row.score_difference, difference=1.004996, low=-9.394996, high=11.39504),
                   rate_difference=replace(row.rate_difference, difference=0.0166496, low=-0.1228996, high=0.2048504))
    cells = workbook.breakdown_row(edge, "x", scored=True)
    shown_cells = [shown(SimpleNamespace(value=v, number_format=f))
                   for v, f in zip(cells, workbook.breakdown_formats(cells, 95))]
    assert shown_cells[3] == pct(100 * edge.rate) == "96.7%"
    assert shown_cells[6:9] == [num(edge.score), *span(edge.score_low, edge.score_high, "").split("–")] == \
        ["97.64", "91.47", "99.37"]
    d = edge.score_difference
    assert shown_cells[15:18] == nums(d.difference, d.low, d.high) == ["1.00", "-9.39", "11.40"]
    r = edge.rate_difference
    assert [c.removesuffix(" 个百分点") for c in shown_cells[9:12]] == nums(
        100 * r.difference, 100 * r.low, 100 * r.high, digits=1) == ["1.7", "-12.3", "20.5"]
