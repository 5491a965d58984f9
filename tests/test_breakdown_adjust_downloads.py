"""The dashboard's 交叉分析 choices — 多重比较校正 (Holm, Benjamini–Hochberg, Bonferroni) and 另按题目分组
(?by=, up to three questions) — and the downloads under it.

The page says 下载文件与本页的数字出自同一套计算. With Benjamini–Hochberg chosen, the age table printed
校正后 p 0.461 while the XLSX, the JSON and 附件3 fetched from the page's own links said Holm (0.659): the
links now carry the choice, and the files read it back as the page computed it. Likewise a table added
with 另按题目分组 was on the page only: the files now show the page's tables, in its order, with its figures
and its 结论; a choice the page refuses gives the default tables in the files too.
"""
from __future__ import annotations

import html
import io
import json
import re

import docx
import openpyxl
import pytest

import analysis
from analysis.formatting import pct
from survey_app.breakdowns import ADJUST_ZH
from tests.reports_helpers import filled  # noqa: F401


def _links(page: str) -> dict[str, str]:
    return {m.group(2): html_unescape(m.group(1)) for m in
            re.finditer(r'href="(/admin/surveys/\d+/export/([\w-]+)(?:\?[^"]*)?)"', page) if "include_excluded" not in m.group(1)}


def html_unescape(text: str) -> str:
    return text.replace("&amp;", "&")


@pytest.mark.parametrize("adjust", ["bh", "bonferroni"])
def test_the_files_behind_the_pages_links_use_the_pages_multiple_comparison_control(admin_client, filled, adjust):
    page = admin_client.get(f"/admin/surveys/{filled}?adjust={adjust}").get_data(as_text=True)
    links = _links(page)
    summary = json.loads(admin_client.get(links["json"], buffered=True).get_data())["breakdowns"]
    assert summary["adjust"] == adjust
    age = next(t for t in summary["tables"] if t["key"] == "age")
    compared = [r for r in age["rows"] if r["rate_difference"]]
    raw = [r["rate_difference"]["p_value"] for r in compared]
    chosen = analysis.adjust_p_values(raw, method=adjust)
    assert [r["rate_difference"]["adjusted_p"] for r in compared] == pytest.approx(chosen.tolist())
    assert chosen.tolist() != pytest.approx(analysis.adjust_p_values(raw, method="holm").tolist())  # it matters here
    for p in chosen:  # the page prints them with three decimals
        assert f">{p:.3f}<" in page.replace("\n", "")
    ws = openpyxl.load_workbook(io.BytesIO(admin_client.get(links["xlsx"], buffered=True).get_data()))["交叉-按年龄"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[1]
    got = [r[header.index("校正后 p 值")] for r in rows[2:] if r[0] in {c["label"] for c in compared}]
    assert got == pytest.approx(chosen.tolist())
    assert any(ADJUST_ZH[adjust] in (r[1] or "") for r in rows if r and r[0] == "方法")
    annex = "\n".join(p.text for p in docx.Document(io.BytesIO(
        admin_client.get(links["docx-annex"], buffered=True).get_data())).paragraphs)
    assert f"以 {ADJUST_ZH[adjust]}作多重比较校正" in annex and "以 Holm 法作多重比较校正" not in annex
    # the differences' intervals are not adjusted: said, as a reader would otherwise take them for the verdict's
    assert "（差值的置信区间未作校正，区间不含 0 而校正后 p 不小于 0.05 的组不标）" in annex


def test_without_a_choice_the_links_are_plain_and_the_files_use_the_configured_method(admin_client, filled):
    page = admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)
    assert all("adjust" not in link and "by=" not in link for link in _links(page).values())
    summary = json.loads(admin_client.get(_links(page)["json"], buffered=True).get_data())["breakdowns"]
    assert summary["adjust"] == "holm"


def _text(cell: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def _page_tables(page: str) -> list[tuple[str, str, list[tuple[str, int, str, str]]]]:
    """The page's 交叉分析 tables in order: (key, title, rows of (group, n, 满意率 as printed, 结论)); a small
    group's 满意率 is none ('')."""
    section = page[page.index('id="breakdowns"'):]
    section = section[:section.index("</section>")]
    tables = []
    for key, title, body in re.findall(r'<h3 id="breakdown-([^"]+)">([^<]*).*?<tbody>(.*?)</tbody>', section, re.S):
        rows = []
        for row in re.findall(r"<tr data-group=[^>]*>(.*?)</tr>", body, re.S):
            cells = [_text(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            rate = "" if cells[-1] == "样本不足" else cells[2].split("（")[0]  # 93.3% of 93.3%（77.9%–99.2%）
            rows.append((cells[0], int(cells[1]), rate, cells[-1]))
        tables.append((html.unescape(key), html.unescape(title).strip(), rows))
    return tables


def _xlsx_tables(body: bytes) -> list[tuple[str, list[tuple[str, int, str, str]]]]:
    """The XLSX's 交叉-… sheets in order: (title, rows of (group, n, 满意率 as the page prints it, 结论 as the
    page words it))."""
    wb = openpyxl.load_workbook(io.BytesIO(body))
    tables = []
    for name in (n for n in wb.sheetnames if n.startswith("交叉-")):
        rows = list(wb[name].iter_rows(values_only=True))
        header, groups = rows[1], []
        for r in rows[2:rows.index(next(r for r in rows if r[0] == "合计"))]:
            cell = dict(zip(header, r))
            rate, score = r[header.index("结论")], r[header.index("得分结论")]
            verdict = ("样本不足" if rate == "样本不足" else "—" if rate == "未作比较"
                       else f"满意率{rate}；得分{score}")
            shown = "" if cell["满意率"] is None else pct(100 * cell["满意率"])
            groups.append((r[0], r[1], shown, verdict))
        tables.append((rows[0][0].split("（")[0], groups))
    return tables


def _annex_headings(body: bytes) -> list[str]:
    """附件3's 分组比较 subsections in order ('按采集点', '按年龄' ...) and its whole text."""
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
    part = text[text.index("分组比较"):text.index("分组比较方法")]
    return re.findall(r"^\d+\. (按.*)$", part, re.M), text


def _files(client, survey_id: int, query: str) -> dict:
    def get(fmt):
        response = client.get(f"/admin/surveys/{survey_id}/export/{fmt}?{query}", buffered=True)
        assert response.status_code == 200, (fmt, query, response.status_code)
        return response.get_data()
    summary = json.loads(get("json"))["breakdowns"]
    headings, annex = _annex_headings(get("docx-annex"))
    get("docx-c51")  # prints no breakdown table; the choice it is given does it no harm
    return {"json": [(t["key"], t["title"]) for t in summary["tables"]], "xlsx": _xlsx_tables(get("xlsx")),
            "annex": headings, "annex_text": annex}


def _same_as_page(page_tables, files):
    assert files["json"] == [(key, title) for key, title, _ in page_tables]
    assert files["xlsx"] == [(title, rows) for _, title, rows in page_tables]
    assert files["annex"] == [title for key, title, _ in page_tables if not key.startswith("point×")]


def test_the_files_behind_the_pages_links_show_the_tables_added_on_the_page(admin_client, filled):
    page = admin_client.get(f"/admin/surveys/{filled}?by=q1&by=q4&adjust=bh").get_data(as_text=True)
    links = _links(page)
    assert all(link.endswith("adjust=bh&by=q1&by=q4") for link in links.values())
    tables = _page_tables(page)
    keys = [key for key, _, _ in tables]
    assert keys == ["point", "age", "point×age", "gender", "point×gender", "q1", "point×q1", "q4", "point×q4"]
    files = _files(admin_client, filled, links["json"].split("?")[1])
    _same_as_page(tables, files)
    added = dict((key, rows) for key, _, rows in tables)["q1"]
    assert [(g, n) for g, n, _, _ in added] == [("非常了解", 28), ("比较了解", 11), ("一般了解", 6), ("不太了解", 3),
                                                ("不了解", 2)]
    assert ("按了解医保政策", added) in files["xlsx"] and added[0][2] == "100.0%"
    assert "非常了解有效问卷 28 份" in files["annex_text"] and "按采集点 × 了解医保政策" in files["annex_text"]
    # an added question is said as one, not as background information (受访者基本信息)
    assert ("下面按采集点、受访者基本信息和“了解医保政策”、“困难群众医疗救助政策知晓度”的回答分组" in files["annex_text"]
            and "按采集点与受访者基本信息或“了解医保政策”、“困难群众医疗救助政策知晓度”的回答交叉分组" in files["annex_text"])
    # without the choice, none of it: the default tables
    plain = _files(admin_client, filled, "adjust=bh")
    assert [title for title, _ in plain["xlsx"]] == ["按采集点", "按年龄", "按采集点 × 年龄", "按性别", "按采集点 × 性别"]
    assert "了解医保政策" not in json.dumps(plain["json"], ensure_ascii=False)
    assert "按了解医保政策" not in plain["annex_text"] and "非常了解有效问卷" not in plain["annex_text"]
    assert ("下面按采集点和受访者基本信息分组" in plain["annex_text"]
            and "按采集点与受访者基本信息交叉分组" in plain["annex_text"])


def test_ten_questions_asked_give_the_first_three_in_the_files_as_on_the_page(admin_client, filled):
    query = "&".join(f"by={qid}" for qid in ("q2", "q2", "q3", "q1", "q4", "age", "q1", "gender", "q4", "q3"))
    page = admin_client.get(f"/admin/surveys/{filled}?{query}").get_data(as_text=True)
    tables = _page_tables(page)
    assert [key for key, _, _ in tables if key in {"q1", "q2", "q3", "q4"}] == ["q2", "q3", "q1"]
    _same_as_page(tables, _files(admin_client, filled, query))


@pytest.mark.parametrize("query", [
    "by=no-such", "by=q5", "by=q1&by=no-such", "&".join(f"by=x{i}" for i in range(10)),
    "by=%ff%fe%3Cscript%3E%0A", "by=" + "字" * 2000, "by=&by=", "by[]=q1"])
def test_a_choice_the_page_refuses_gives_the_default_files(admin_client, filled, query):
    default = _page_tables(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    response = admin_client.get(f"/admin/surveys/{filled}?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _page_tables(page) == default
    assert all("by=" not in link for link in _links(page).values())
    _same_as_page(default, _files(admin_client, filled, query))


def test_a_nul_in_the_choice_is_refused_at_the_edge_for_the_page_and_every_file(admin_client, filled):
    for path in ["", "/export/xlsx", "/export/json", "/export/docx-annex", "/export/docx-c51", "/c51"]:
        assert admin_client.get(f"/admin/surveys/{filled}{path}?by=q1%00").status_code == 400, path


def test_cli_export_takes_the_pages_multiple_comparison_control(runner, admin_client, filled, tmp_path):  # noqa: F811
    out = tmp_path / "bh.json"
    done = runner.invoke(args=["export", str(filled), "--format", "json", "--adjust", "bh", "--out", str(out)])
    assert done.exit_code == 0, done.output
    web = json.loads(admin_client.get(f"/admin/surveys/{filled}/export/json?adjust=bh", buffered=True).get_data())
    assert json.loads(out.read_text(encoding="utf-8"))["breakdowns"] == web["breakdowns"]
    assert web["breakdowns"]["adjust"] == "bh"
    refused = runner.invoke(args=["export", str(filled), "--format", "json", "--adjust", "none", "--out",
                                  str(tmp_path / "none.json")])
    assert refused.exit_code == 2 and "'none' is not one of" in refused.output and not (tmp_path / "none.json").exists()
