"""A p-value and a difference's interval are printed beside the verdict they decide, and agree with it.

3 of 20 satisfied at one point against 0 of 30 at the other: Newcombe's p is 0.0497, the group is marked
高于其余样本, and the page printed 校正后 p 0.050 beside it, the figure a reader checks against 0.05, and the
difference +15.0（0.0 至 +36.0）: an interval that seems to reach 0, called significant.
"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import analysis
from analysis.formatting import nums, p_value


@given(st.floats(0, 1))
def test_a_printed_p_is_below_the_level_exactly_when_the_p_is(p):
    text = p_value(p)
    assert (text == "<0.001" or float(text) < 0.05) == (p < 0.05)
    if text != "<0.001" and p >= 0.05:
        assert len(text.partition(".")[2]) == 3


@given(st.floats(-100, 100), st.floats(1e-9, 100), st.floats(0, 100), st.sampled_from([1, 2]))
def test_an_interval_that_leaves_out_zero_never_prints_an_end_at_zero(d, gap, width, digits):
    low, high = gap, gap + width  # and mirrored below 0
    for ends in ((d, low, high), (-d, -high, -low)):
        printed = nums(*ends, digits=digits)
        assert float(printed[1]) != 0 and float(printed[2]) != 0 or gap < 1e-6
        assert len({len(t.partition(".")[2]) for t in printed}) == 1  # all three alike


def test_the_breakdown_prints_a_significant_p_below_the_level(admin_client, database, yining):
    survey_id, _ = yining
    hall, window = (p["id"] for p in database.list_points(survey_id))
    answers = [(hall, "A")] * 3 + [(hall, "C")] * 17 + [(window, "C")] * 30
    for i, (point, code) in enumerate(answers):
        database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1, submission_key=f"p-{i}",
                               answers=[("q5", code)], seconds_on_page=60, language="zh-CN", device_hash=None)
    p = analysis.compare_rates(3, 20, 0, 30).p_value
    assert 0.0495 <= p < 0.05
    page = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    table = page[page.index('data-breakdown="point"'):]
    table = table[:table.index("</table>")]
    assert f">{p:.4f}<" in table and ">0.050<" not in table and "高于其余样本" in table
    assert "+15.00<wbr><span class=\"ci\">（+0.03 至 +36.04）" in table and "（0.0 至" not in table
    # the workbook's cells show the same p and the same interval ends beside the same 结论
    import io

    import openpyxl

    from tests.reports_helpers import download, shown
    sheet = openpyxl.load_workbook(io.BytesIO(download(admin_client, survey_id, "xlsx").get_data()))["交叉-按采集点"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "业务大厅")
    assert [shown(c) for c in row[9:15]] == ["15.00 个百分点", "0.03 个百分点", "36.04 个百分点", f"{p:.4f}",
                                             f"{p:.4f}", "高于其余样本"]
