"""An evaluator deletes a survey made by mistake (a test, the wrong questionnaire: it cannot be changed) from its
page, and can restore it. Deleting removes nothing: the survey leaves the list (under 已删除的项目 at its foot),
citizens cannot submit, every answer, result, download and audit line stays, and verify still holds."""
import re

from survey_app.demo_data import yining_rows
from tests.admin_helpers import post_form
from tests.test_admin import create


def _status(client, survey_id, action, confirm=None, follow_redirects=False):
    dashboard = f"/admin/surveys/{survey_id}"
    data = {"action": action, **({"confirm": confirm} if confirm else {})}
    return post_form(client, dashboard, f"{dashboard}/status", data, follow_redirects=follow_redirects)


def _listed(client) -> tuple[str, str]:
    """(the list's table, its 已删除的项目 part) of the evaluator's survey list."""
    page = client.get("/admin/").get_data(as_text=True)
    table, _, deleted = page.partition('<details class="deleted">')
    return table, deleted


def test_a_draft_is_deleted_only_when_confirmed_and_restored_as_it_was(admin_client, database):
    survey_id = int(create(admin_client, title="测试项目（建错了）").headers["Location"].rsplit("/", 1)[1])
    dashboard = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert "我确认删除此项目" in dashboard and "不删除任何数据" in dashboard
    unconfirmed = _status(admin_client, survey_id, "archived", follow_redirects=True)
    assert "未删除：请先勾选“我确认删除此项目”" in unconfirmed.get_data(as_text=True)
    assert database.get_survey(survey_id)["status"] == "draft"
    deleted = _status(admin_client, survey_id, "archived", confirm="y")
    assert deleted.status_code == 302 and deleted.headers["Location"].endswith("/admin/")
    assert database.get_survey(survey_id)["status"] == "archived"
    table, foot = _listed(admin_client)
    assert "测试项目（建错了）" not in table and "已删除的项目（1 个，数据均保留，可恢复）" in foot
    assert f"第 {survey_id} 号 测试项目（建错了）" in foot
    page = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert "此项目已删除" in page and "恢复此项目" in page and "我确认删除此项目" not in page
    assert _status(admin_client, survey_id, "open").status_code == 400  # restore it first
    restored = _status(admin_client, survey_id, "unarchive", follow_redirects=True)
    assert "已恢复此项目（未开放）" in restored.get_data(as_text=True)
    assert database.get_survey(survey_id)["status"] == "draft" and "测试项目（建错了）" in _listed(admin_client)[0]
    assert _status(admin_client, survey_id, "unarchive").status_code == 400  # not deleted
    audit = admin_client.get(f"/admin/surveys/{survey_id}/responses").get_data(as_text=True)
    assert "删除项目" in audit and "恢复项目" in audit
    assert [e["action"] for e in database.audit_entries(survey_id)][-2:] == ["archived", "unarchive"]
    assert database.verify().ok


def test_a_collecting_survey_must_be_closed_first(admin_client, database, yining):
    survey_id, _ = yining
    database.update_survey(survey_id, status="open")
    page = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert "收集中的项目不能删除：请先结束收集。" in page and 'value="archived"' not in page
    refused = _status(admin_client, survey_id, "archived", confirm="y", follow_redirects=True)
    assert "请先结束收集，再删除此项目。" in refused.get_data(as_text=True)
    assert database.get_survey(survey_id)["status"] == "open"


def test_a_deleted_survey_keeps_its_answers_results_and_downloads_and_takes_no_more(admin_client, database, yining):
    survey_id, codes = yining
    points = database.list_points(survey_id)
    for i, row in enumerate(yining_rows()):
        database.save_response(survey_id=survey_id, point_id=points[i % 2]["id"], questionnaire_version=1,
                               submission_key=f"del-{i}", answers=sorted(row.items()), seconds_on_page=60,
                               language="zh-CN", device_hash=None)
    before = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    database.update_survey(survey_id, status="closed")
    assert _status(admin_client, survey_id, "archived", confirm="y").status_code == 302
    assert admin_client.get(f"/s/{codes[0]}").status_code == 410  # citizens: 本次调查已结束
    after = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert "97.6" in after and re.findall(r"有效问卷</span><span class=\"v\">(\d+)", after) == ["50"]
    assert re.findall(r"有效问卷</span><span class=\"v\">(\d+)", before) == ["50"]
    csv = admin_client.get(f"/admin/surveys/{survey_id}/export/csv", buffered=True)
    assert csv.status_code == 200 and csv.get_data().count(b"\n") >= 51
    assert "（回收 50 份）" in _listed(admin_client)[1]
    assert database.response_count(survey_id) == 50 and database.verify().ok
    assert _status(admin_client, survey_id, "unarchive").status_code == 302
    assert database.get_survey(survey_id)["status"] == "closed"  # it has answers: 已结束, never reopened unasked


def test_a_second_click_on_the_same_status_writes_no_second_audit_line(admin_client, database, yining):
    """结束收集 clicked twice (a double tap, or a second tab) wrote two identical audit lines."""
    survey_id = yining[0]
    lines = lambda: database.query("select count(*) as n from audit_log where survey_id = ?", [survey_id])[0]["n"]  # noqa: E731
    _status(admin_client, survey_id, "open")
    before = lines()
    first = _status(admin_client, survey_id, "closed", follow_redirects=True)
    assert "已结束收集" in first.get_data(as_text=True) and lines() == before + 1
    again = _status(admin_client, survey_id, "closed", follow_redirects=True).get_data(as_text=True)
    assert "此项目已是“已结束”，未作更改" in again and lines() == before + 1
    assert database.get_survey(survey_id)["status"] == "closed" and database.verify().ok


def test_a_deleted_survey_takes_no_change_until_it_is_restored(admin_client, database, yining):
    """Settings, points, exclusions and weighting of a deleted survey could still be changed from its page."""
    survey_id, codes = yining
    point = database.point_by_code(codes[0])[0]["id"]
    rid = database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1, submission_key="k",
                                 answers=sorted(yining_rows()[0].items()), seconds_on_page=60, language="zh-CN",
                                 device_hash=None).response_id
    _status(admin_client, survey_id, "closed")
    assert _status(admin_client, survey_id, "archived", confirm="y").status_code == 302
    base = f"/admin/surveys/{survey_id}"
    state = lambda: (database.get_survey(survey_id), database.list_points(survey_id),  # noqa: E731
                     database.query("select count(*) as n from audit_log")[0]["n"],
                     database.get_response(rid)["status"])
    before = state()
    for url, data in ((f"{base}/points", {"name": "新窗口"}),
                      (f"{base}/edit", {"title": "改过的名称", "department": "伊宁市医疗保障局", "year": "2024",
                                        "target": "90", "target_n": "50"}),
                      (f"{base}/responses/{rid}", {"action": "exclude", "reason": "测试"}),
                      (f"{base}/weighting/clear", {})):
        refused = post_form(admin_client, base, url, data, follow_redirects=True)
        assert refused.status_code == 200 and "此项目已删除，未作任何修改" in refused.get_data(as_text=True), url
    assert state() == before
    restored = _status(admin_client, survey_id, "unarchive", follow_redirects=True)
    assert "已恢复此项目" in restored.get_data(as_text=True)
    added = post_form(admin_client, base, f"{base}/points", {"name": "新窗口"}, follow_redirects=True)
    assert "新窗口" in added.get_data(as_text=True) and len(database.list_points(survey_id)) == len(before[1]) + 1
