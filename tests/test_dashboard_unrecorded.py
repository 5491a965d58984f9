"""The dashboard (and the C51 working paper's page) warns when the survey's settings differ from what its audit chain recorded.

Someone holding the database file but not the chain key lowers the target (95 → 80) with SQL: the dashboard then
said 达到 and its downloads printed it, with nothing on the page to tell; only ``manyi verify``, if someone ran it,
named the change. The page now compares the survey's settings with its newest audit line (that line's link and its
head's MAC checked with the key) and says so above the figures.
"""
import pytest

from survey_app.store import Audit

WARNING = "与审计记录不符"


@pytest.mark.parametrize("change", [
    "update surveys set target = 80 where id = ?",
    "update points set served = 5000 where survey_id = ? and name = '业务大厅'",
    "update surveys set c51_figure = 'top3' where id = ?",  # 满意率 counting 一般满意 as satisfied
])
def test_a_setting_changed_in_the_database_is_said_on_the_dashboard(admin_client, database, yining, change):
    survey_id, _ = yining
    url = f"/admin/surveys/{survey_id}"
    assert WARNING not in admin_client.get(url).get_data(as_text=True)
    database.update_survey(survey_id, target=95.0, audit=Audit("wang", "settings", "目标值"))  # a line after the grant
    assert WARNING not in admin_client.get(url).get_data(as_text=True)
    assert WARNING not in admin_client.get(f"{url}/c51").get_data(as_text=True)
    database.execute(change, [survey_id])
    page = admin_client.get(url)
    assert page.status_code == 200 and WARNING in page.get_data(as_text=True)
    assert WARNING in admin_client.get(f"{url}/c51").get_data(as_text=True)  # the working paper's page too
    assert not database.verify().ok


def test_the_newest_audit_line_edited_to_match_shows_the_survey_to_no_one(admin_client, database, yining):
    """The line's state alone would say the forged target is genuine; its link, made with the key, says not: the
    grants it records count for nothing either, so the survey is shown to no one: 409, saying to run manyi verify, which names the line."""
    survey_id, _ = yining
    database.execute("update surveys set target = 80 where id = ?", [survey_id])
    database.execute("update audit_log set state = replace(state, '\"target\":95.0', '\"target\":80.0')"
                     " where id = (select audit_id from survey_heads where survey_id = ?)", [survey_id])
    page = admin_client.get(f"/admin/surveys/{survey_id}")
    assert page.status_code == 409 and "与 Manyi 的记录不符" in page.get_data(as_text=True)
    assert any("does not match its link" in p for p in database.verify().count_problems)
