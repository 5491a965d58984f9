"""The dashboard's 多重比较校正 menu (Holm, Benjamini–Hochberg, Bonferroni) and the downloads under it.

The page says 下载文件与本页的数字出自同一套计算. With Benjamini–Hochberg chosen, the age table printed
校正后 p 0.461 while the XLSX, the JSON and 附件3 fetched from the page's own links said Holm (0.659): the
links now carry the choice, and the files read it back as the page computed it.
"""
from __future__ import annotations

import io
import json
import re

import docx
import openpyxl
import pytest

import analysis
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
    assert all("adjust" not in link for link in _links(page).values())
    summary = json.loads(admin_client.get(_links(page)["json"], buffered=True).get_data())["breakdowns"]
    assert summary["adjust"] == "holm"
