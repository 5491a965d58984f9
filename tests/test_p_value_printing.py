"""A p-value is printed beside the verdict it decides: a significant one never as the level itself.

3 of 20 satisfied at one point against 0 of 30 at the other: Newcombe's p is 0.0497, the group is marked
高于其余样本, and the page printed 校正后 p 0.050 beside it, the figure a reader checks against 0.05.
"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import analysis
from analysis.formatting import p_value


@given(st.floats(0, 1))
def test_a_printed_p_is_below_the_level_exactly_when_the_p_is(p):
    text = p_value(p)
    assert (text == "<0.001" or float(text) < 0.05) == (p < 0.05)
    if text != "<0.001" and p >= 0.05:
        assert len(text.partition(".")[2]) == 3


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
