"""Data-quality review: speeders, straight-liners and repeated devices are flagged (not blocked);
excluding a response with a reason moves every figure consistently; restoring moves them back;
the audit log lists both; pages are keyset-paginated."""
import re

import pytest

from survey_app.admin import review
from survey_app.store.review import Review
from tests.admin_helpers import post_form
from tests.yining import submit_all, submit_one, yining_rows

CLEAN = {"age": "B", "gender": "A", "q1": "A", "q2": "B", "q3": "A", "q4": "C", "q5": "A"}
STRAIGHT = {"age": "C", "gender": "B", "q1": "B", "q2": "B", "q3": "B", "q4": "B", "q5": "B"}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", html, flags=re.S)))


def row_flags(html: str) -> dict[int, set[str]]:
    """{response id: set of flag classes} from the review table."""
    out = {}
    for rid, body in re.findall(r'<tr id="r(\d+)" class="\w+">(.*?)</tr>', html, re.S):
        out[int(rid)] = set(re.findall(r'<span class="flag (\w+)">', body))
    return out


def ids(database) -> list[int]:
    return [r["id"] for r in database.query("select id from responses order by id")]


def test_speeder_straight_liner_and_repeated_device_are_flagged(admin_client, yining, database):
    survey_id, (hall, _) = yining
    submit_one(admin_client, hall, CLEAN, seconds=90)                       # 1 clean
    submit_one(admin_client, hall, CLEAN, seconds=3)                        # 2 speeder (< max(15, 2 × 7))
    submit_one(admin_client, hall, STRAIGHT, seconds=90)                    # 3 straight-liner
    submit_one(admin_client, hall, CLEAN, seconds=90)                       # 4 and 5: one phone, twice
    submit_one(admin_client, hall, {**CLEAN, "q1": "C"}, seconds=90, new_device=False)
    first, speeder, straight, dev1, dev2 = ids(database)
    url = f"/admin/surveys/{survey_id}/responses"
    flags = row_flags(admin_client.get(url).get_data(as_text=True))
    assert flags == {first: set(), speeder: {"speeder"}, straight: {"straight"}, dev1: {"device"}, dev2: {"device"}}
    assert database.status_counts(survey_id) == {"valid": 5}  # flagged, not blocked

    assert set(row_flags(admin_client.get(url + "?flag=speeder").get_data(as_text=True))) == {speeder}
    assert set(row_flags(admin_client.get(url + "?flag=straight").get_data(as_text=True))) == {straight}
    assert set(row_flags(admin_client.get(url + "?flag=device").get_data(as_text=True))) == {dev1, dev2}
    assert set(row_flags(admin_client.get(url + "?flag=none").get_data(as_text=True))) == {first}
    assert set(row_flags(admin_client.get(url + "?flag=any").get_data(as_text=True))) == {speeder, straight, dev1, dev2}
    page = text(admin_client.get(url).get_data(as_text=True))
    assert "页面停留少于 15 秒（1 份）" in page and "来自同一设备（2 份" in page


def test_speeder_threshold_is_configurable(app, admin_client, yining, database):
    survey_id, (hall, _) = yining
    submit_one(admin_client, hall, CLEAN, seconds=40)
    assert row_flags(admin_client.get(f"/admin/surveys/{survey_id}/responses").get_data(as_text=True)) == {ids(database)[0]: set()}
    app.config["SPEEDER_SECONDS"] = 60
    assert row_flags(admin_client.get(f"/admin/surveys/{survey_id}/responses").get_data(as_text=True)) == {
        ids(database)[0]: {"speeder"}}


def _exclude(client, survey_id, rid, reason):
    page = f"/admin/surveys/{survey_id}/responses"
    return post_form(client, page, f"{page}/{rid}", {"action": "exclude", "reason": reason, "back": page + "?flag=any"})


def _restore(client, survey_id, rid, reason="复核后确认有效"):
    page = f"/admin/surveys/{survey_id}/responses"
    return post_form(client, page, f"{page}/{rid}", {"action": "restore", "reason": reason})


def test_exclude_moves_every_figure_and_restore_moves_them_back(admin_client, yining, database):
    survey_id, (hall, window) = yining
    rows = yining_rows()
    submit_all(admin_client, hall, rows[:30])
    submit_all(admin_client, window, rows[30:])
    dashboard = f"/admin/surveys/{survey_id}"
    full = text(admin_client.get(dashboard).get_data(as_text=True))
    # a respondent who answered q5 = C (一般满意): leaving them out moves the score visibly
    target = next(r["response_id"] for r in database.query(
        "select response_id from answers where question_id = 'q5' and value = 'C' order by response_id"))

    response = _exclude(admin_client, survey_id, target, "同一人重复填写（现场核实）")
    assert response.status_code == 302 and response.headers["Location"].endswith("/responses?flag=any")
    page = text(admin_client.get(dashboard).get_data(as_text=True))
    assert "回收 50" in page and "有效问卷 49 已剔除 1 份" in page and "有效率 98.0% 49 ÷ 50" in page
    assert "有效问卷 49 / 目标 n = 50（98.0%）" in page
    assert "满意度得分 98.37 分 （双侧 95% 置信区间" in page  # 4820 ÷ 49, as the annex and the rule's sentence print it
    assert "(46×100 + 2×80 + 1×60 + 0×40 + 0×20) ÷ 49 = 98.37" in page
    assert "A. 非常满意 46 93.9%" in page and "C. 一般满意 1 2.0%" in page and "合计 49 100.0%" in page
    assert database.get_response(target)["status"] == "excluded"
    assert database.response_count(survey_id) == 50  # never deleted
    review_page = text(admin_client.get(f"{dashboard}/responses").get_data(as_text=True))
    assert "已剔除 同一人重复填写（现场核实）" in review_page and "有效问卷 49" in review_page

    assert _restore(admin_client, survey_id, target).status_code == 302
    figures = lambda page: page.split("修改设置")[1].split("结果计算于")[0]  # noqa: E731 (without flash and time)
    assert figures(text(admin_client.get(dashboard).get_data(as_text=True))) == figures(full)

    log = [e for e in database.audit_entries(survey_id)  # after the chain's opening and the evaluator's grant
           if e["action"] not in ("create", "add_point", "grant")]
    assert [(e["user"], e["action"], e["response_id"]) for e in log] == [
        ("wang", "exclude", target), ("wang", "restore", target)]
    audit = text(admin_client.get(f"{dashboard}/responses").get_data(as_text=True)).rsplit("审核日志", 1)[1]
    assert re.search(rf"\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d wang 恢复 {target} 复核后确认有效 .*"
                     rf"\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d wang 剔除 {target} 同一人重复填写（现场核实）", audit)


def test_excluding_needs_a_reason_and_the_response_must_belong_to_the_survey(admin_client, yining, database):
    survey_id, (hall, _) = yining
    submit_one(admin_client, hall, CLEAN, seconds=60)
    [rid] = ids(database)
    response = _exclude(admin_client, survey_id, rid, "   ")
    assert response.status_code == 302
    assert "需要填写原因" in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert database.status_counts(survey_id) == {"valid": 1}
    other = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="另一个")
    database.grant(1, other)
    assert _exclude(admin_client, other, rid, "不属于该项目").status_code == 404
    page = f"/admin/surveys/{survey_id}/responses"
    assert post_form(admin_client, page, f"{page}/{rid}", {"action": "delete"}).status_code == 400
    assert database.status_counts(survey_id) == {"valid": 1} and [e["action"] for e in database.audit_entries(survey_id) if e["action"] != "add_point"] == ["create", "grant"]


def test_restoring_needs_a_reason_too(admin_client, yining, database):
    """恢复 counts a response again: the audit log says why, as for 剔除; without a reason nothing changes."""
    survey_id, (hall, _) = yining
    submit_one(admin_client, hall, CLEAN, seconds=60)
    [rid] = ids(database)
    _exclude(admin_client, survey_id, rid, "用时过短（现场核实）")
    response = _restore(admin_client, survey_id, rid, "  ")
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert response.status_code == 302 and "恢复第 1 号问卷需要填写原因，如“复核后确认有效”。" in page
    assert database.status_counts(survey_id) == {"excluded": 1}
    assert 'placeholder="恢复原因"' in page  # the row's 恢复 has its reason box
    assert _restore(admin_client, survey_id, rid, "复核后确认为正常作答").status_code == 302
    assert database.status_counts(survey_id) == {"valid": 1}
    assert [(e["action"], e["detail"]) for e in database.audit_entries(survey_id) if e["response_id"] == rid] == [
        ("exclude", "用时过短（现场核实）"), ("restore", "复核后确认为正常作答")]


def test_status_filter_and_keyset_pages(admin_client, yining, database, monkeypatch):
    survey_id, (hall, _) = yining
    submit_all(admin_client, hall, yining_rows()[:12])
    monkeypatch.setattr(review, "PAGE_SIZE", 5)
    all_ids = ids(database)
    _exclude(admin_client, survey_id, all_ids[3], "测试")
    url = f"/admin/surveys/{survey_id}/responses"
    seen, next_url = [], url
    while next_url:
        html = admin_client.get(next_url).get_data(as_text=True)
        seen.extend(row_flags(html))
        more = re.search(r'<a href="([^"]+)">更早 »</a>', html)
        next_url = more.group(1).replace("&amp;", "&") if more else None
    assert seen == sorted(all_ids, reverse=True)  # newest first, every response once
    assert list(row_flags(admin_client.get(url + "?status=excluded").get_data(as_text=True))) == [all_ids[3]]
    assert len(row_flags(admin_client.get(url + "?status=valid").get_data(as_text=True))) == 5


class _Capture(Review):
    """Stands in for the store to capture the SQL review_page sends (then explained on the real one)."""
    kind = "sqlite"

    def __init__(self):
        self.sent = []

    def _read(self):
        return self

    def rows(self, sql, params):
        self.sent.append((sql, params))
        return []


@pytest.mark.sqlite_only  # SQLite's query plans (PostgreSQL's planner picks its own walk)
def test_review_pages_walk_an_index_without_sorting(database, yining):
    """With a million responses a page must neither scan nor sort the table: check SQLite's plans."""
    survey_id, _ = yining
    for status in (None, "valid", "excluded"):
        for flag in (None, "speeder", "straight", "device", "any", "none"):
            for before in (None, 500):
                capture = _Capture()
                capture.review_page(survey_id, threshold=15, scale_qids=["q1", "q2"], status=status,
                               flag=flag, before=before, limit=51)
                [(sql, params)] = capture.sent
                plan = [row[3] for row in database.execute("explain query plan " + sql, params)]
                assert plan[0].startswith("SEARCH r USING INDEX idx_responses_survey_id_"), plan
                assert not any(step.startswith("SCAN") or "ORDER BY" in step for step in plan), plan
                if before:
                    assert "id<?" in plan[0] or "rowid<?" in plan[0], plan


def test_excluding_an_excluded_response_again_says_nothing_changed(admin_client, yining, database):
    """A second exclusion (another evaluator, a second tab) with another reason changes nothing and says so,
    instead of 已剔除 with the new reason silently dropped."""
    survey_id, (hall, _) = yining
    submit_one(admin_client, hall, CLEAN, seconds=60)
    [rid] = ids(database)
    assert _exclude(admin_client, survey_id, rid, "重复填写").status_code == 302
    response = _exclude(admin_client, survey_id, rid, "另一个原因")
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "原已是剔除状态，未作更改（剔除原因仍为原来填写的）" in page
    assert database.get_response(rid)["exclude_reason"] == "重复填写"
    assert [e["action"] for e in database.audit_entries(survey_id)].count("exclude") == 1
