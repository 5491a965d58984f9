"""A collection point's name can be corrected on the 采集点 page (one form with its counts): the code stays,
so printed QR codes keep working; pages and files show the new name; the change is an audit line in the
survey's chain; a name that reads as another point's is refused and nothing is saved."""
import re

import pytest

from survey_app.store import Audit
from tests.admin_helpers import post_form


def points_url(survey_id):
    return f"/admin/surveys/{survey_id}/points"


def save_url(survey_id):
    return f"/admin/surveys/{survey_id}/points/fieldwork"


def posted(database, survey_id, names: list[str]) -> dict:
    """The form as a browser posts it: each point's name (in point order) and its current counts."""
    out = {}
    for point, name in zip(database.list_points(survey_id), names):
        out[f"point-{point['id']}-name"] = name
        out[f"point-{point['id']}-issued"] = "" if point["issued"] is None else str(point["issued"])
        out[f"point-{point['id']}-served"] = "" if point["served"] is None else str(point["served"])
    return out


def renames(database, survey_id) -> list[str]:
    return [e["detail"] for e in database.audit_entries(survey_id) if e["action"] == "rename_point"]


def test_a_renamed_point_keeps_its_code_and_its_qr_code_still_opens_the_form(admin_client, client, database, yining):
    survey_id, codes = yining
    before = database.list_points(survey_id)
    page = admin_client.get(points_url(survey_id)).get_data(as_text=True)
    assert f'name="point-{before[1]["id"]}-name"' in page and 'value="1号窗口"' in page
    done = post_form(admin_client, points_url(survey_id), save_url(survey_id),
                     posted(database, survey_id, ["业务大厅", " 医保结算窗口 "]))
    assert done.status_code == 302
    after = database.list_points(survey_id)
    assert [(p["name"], p["code"]) for p in after] == [("业务大厅", codes[0]), ("医保结算窗口", codes[1])]
    assert renames(database, survey_id) == [f"1号窗口 → 医保结算窗口（编码 {codes[1]}）"]
    assert "已保存：1号窗口 → 医保结算窗口。" in admin_client.get(points_url(survey_id)).get_data(as_text=True)
    assert "医保结算窗口" in admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert client.get(f"/s/{codes[1]}").status_code == 200  # the poster already on the wall
    assert database.verify().ok  # the audit line is chained
    log = admin_client.get(f"/admin/surveys/{survey_id}/responses").get_data(as_text=True)
    assert "修改采集点名称" in log and "rename_point" not in log  # the 操作日志 in the evaluator's words


def test_two_points_may_swap_names_in_one_save(admin_client, database, yining):
    survey_id, codes = yining
    assert post_form(admin_client, points_url(survey_id), save_url(survey_id),
                     posted(database, survey_id, ["1号窗口", "业务大厅"])).status_code == 302
    assert [(p["name"], p["code"]) for p in database.list_points(survey_id)] == [("1号窗口", codes[0]),
                                                                              ("业务大厅", codes[1])]
    assert len(renames(database, survey_id)) == 2 and database.verify().ok


@pytest.mark.parametrize("name, message", [
    ("业务 大厅", "与另一采集点“业务大厅”同名"),
    ("ＡＢ", None),  # fine on its own: checked against the other point only
    ("", "请填写采集点名称。"),
    ("窗" * 61, "名称请控制在 60 字以内。"),
])
def test_a_name_that_reads_as_another_points_or_is_empty_is_refused_and_nothing_saved(
        admin_client, database, yining, name, message):
    survey_id, _ = yining
    data = posted(database, survey_id, ["业务大厅", name])
    first = database.list_points(survey_id)[0]["id"]
    data[f"point-{first}-served"] = "500"  # a good change in another row: not saved either when refused
    response = post_form(admin_client, points_url(survey_id), save_url(survey_id), data)
    if message is None:
        assert response.status_code == 302 and [p["name"] for p in database.list_points(survey_id)][1] == "ＡＢ"
        return
    assert response.status_code == 400
    second = database.list_points(survey_id)[1]["id"]
    row = re.search(rf'<tr id="point-{second}">.*?</tr>', response.get_data(as_text=True), re.S).group(0)
    assert message in row
    assert [(p["name"], p["served"]) for p in database.list_points(survey_id)] == [("业务大厅", None), ("1号窗口", None)]
    assert renames(database, survey_id) == []


def test_the_store_refuses_names_that_would_read_the_same(database, yining):
    survey_id, _ = yining
    first, second = (p["id"] for p in database.list_points(survey_id))
    with pytest.raises(ValueError, match="both be named"):
        database.set_points_fieldwork(survey_id, {first: (1, 10)}, names={second: "业务大厅"}, actor="wang")
    with pytest.raises(ValueError, match="empty"):
        database.set_points_fieldwork(survey_id, {}, names={second: "  "}, actor="wang")
    assert [(p["name"], p["issued"]) for p in database.list_points(survey_id)] == [("业务大厅", None), ("1号窗口", None)]


def test_names_alike_from_before_the_check_do_not_stop_saving_counts(admin_client, database, yining):
    """A database from before same_name may hold 业务大厅 and 业务 大厅 side by side: entering 办件量 still saves,
    and the two stay as they are; renaming one to yet another look-alike is refused."""
    survey_id, _ = yining
    first, second = (p["id"] for p in database.list_points(survey_id))
    database.execute("update points set name = ? where id = ?", ["业务 大厅", second])
    # as such a database's chain has it: its newest line recorded the names (else the save is refused as drift)
    database._write(lambda conn: database._audit(conn, Audit("system", "state", "names before same_name"), survey_id))
    data = posted(database, survey_id, ["业务大厅", "业务 大厅"])
    data[f"point-{first}-served"] = "300"
    assert post_form(admin_client, points_url(survey_id), save_url(survey_id), data).status_code == 302
    assert [(p["name"], p["served"]) for p in database.list_points(survey_id)] == [("业务大厅", 300), ("业务 大厅", None)]
    refused = post_form(admin_client, points_url(survey_id), save_url(survey_id),
                        posted(database, survey_id, ["业务大厅", "业务　大厅"]))
    assert refused.status_code == 400 and "同名" in refused.get_data(as_text=True)
