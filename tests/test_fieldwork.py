"""An honest response rate (issue #12 item 7): each point's fieldwork record (发放份数, 办件量) entered
by the evaluator, the respondent page's opens counted in batches, and the rates and shares they give."""
import re
import sqlite3
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from survey_app import fieldwork
from survey_app.fieldwork import Fieldwork, PointFieldwork
from survey_app.store import open_store
from tests.admin_helpers import post_form
from tests.helpers import fill


def _logged(database, survey_id):
    """The survey's audit lines after the ones that open its chain (its creation, points) and grant it."""
    return [e for e in database.audit_entries(survey_id) if e["action"] not in ("create", "add_point", "grant")]


def today(app) -> str:
    return datetime.now(ZoneInfo(app.config["TIMEZONE"])).date().isoformat()


def point_ids(database, survey_id) -> list[int]:
    return [p["id"] for p in database.list_points(survey_id)]


def phone(app, n: int):
    """Another phone (its own cookies, its own address): each one's first open counts."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.1.{n // 250}.{n % 250 + 1}"
    return client


def stored_opens(database) -> list[tuple]:
    return [tuple(r.values()) for r in database.query("select point_id, day, n from page_opens order by point_id, day")]


# -- the schema and the store ---------------------------------------------------------------------------

def test_m008_gives_points_a_fieldwork_record_and_a_page_open_counter(database, yining):
    assert database.query("select issued, served from points order by id") == [{"issued": None, "served": None}] * 2
    assert database.query("select point_id, day, n from page_opens") == []
    table = "_sqlite_migrations" if database.kind == "sqlite" else "manyi_migrations"
    assert database.query(f"select name from {table} where name = 'm008_point_fieldwork'")
    database.migrate()  # safe to re-run
    assert len(database.list_points(yining[0])) == 2


def test_a_points_fieldwork_is_stored_and_audited(database, yining):
    survey_id, _ = yining
    first, second = point_ids(database, survey_id)
    point = database.set_point_fieldwork(first, issued=120, served=860, actor="wang")
    assert (point["issued"], point["served"]) == (120, 860)
    database.set_point_fieldwork(first, issued=None, served=900, actor="li")
    rows = database.fieldwork(survey_id)
    assert [(r["point_id"], r["name"], r["issued"], r["served"], r["opens"]) for r in rows] == [
        (first, "业务大厅", None, 900, 0), (second, "1号窗口", None, None, 0)]
    audit = [(e["user"], e["action"], e["detail"]) for e in _logged(database, survey_id)]
    assert audit == [("wang", "fieldwork", "业务大厅：发放份数 — → 120；办件量 — → 860"),
                     ("li", "fieldwork", "业务大厅：发放份数 120 → —；办件量 860 → 900")]


def test_several_points_fieldwork_is_stored_in_one_transaction_each_audited(database, yining):
    survey_id, _ = yining
    first, second = point_ids(database, survey_id)
    database.set_point_fieldwork(first, issued=3, served=30, actor="wang")
    changed = database.set_points_fieldwork(survey_id, {first: (3, 30), second: (None, 140)}, actor="li")
    assert changed == [{"point_id": second, "name": "1号窗口", "name_before": "1号窗口", "issued_before": None, "served_before": None,
                        "issued": None, "served": 140}]  # the unchanged point is neither written nor logged
    database.set_points_fieldwork(survey_id, {first: (4, 40), second: (5, 150)}, actor="li")
    assert [(r["issued"], r["served"]) for r in database.fieldwork(survey_id)] == [(4, 40), (5, 150)]
    assert [(e["user"], e["detail"]) for e in _logged(database, survey_id)] == [
        ("wang", "业务大厅：发放份数 — → 3；办件量 — → 30"), ("li", "1号窗口：发放份数 — → —；办件量 — → 140"),
        ("li", "业务大厅：发放份数 3 → 4；办件量 30 → 40"), ("li", "1号窗口：发放份数 — → 5；办件量 140 → 150")]
    assert database.verify().ok


def test_several_points_fieldwork_is_all_or_nothing(database, yining):
    survey_id, _ = yining
    first, second = point_ids(database, survey_id)
    other = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="别的项目")
    foreign = database.add_point(other, "别处")["id"]
    for bad in ({first: (1, 10), second: (-1, 10)}, {first: (1, 10), foreign: (1, 10)},
                {first: (1, 10), 10**6: (1, 10)}):
        with pytest.raises(ValueError):
            database.set_points_fieldwork(survey_id, bad, actor="wang")
    assert [(r["issued"], r["served"]) for r in database.fieldwork(survey_id)] == [(None, None)] * 2
    assert _logged(database, survey_id) == [] and database.get_point(other, foreign)["served"] is None


@pytest.mark.parametrize("bad", [-1, 10**9 + 1, 1.5, "12", True])
def test_the_store_refuses_a_count_that_is_not_a_whole_number_from_0(database, yining, bad):
    first = point_ids(database, yining[0])[0]
    with pytest.raises(ValueError):
        database.set_point_fieldwork(first, issued=bad, served=1, actor="wang")
    with pytest.raises(ValueError):
        database.set_point_fieldwork(first, issued=1, served=bad, actor="wang")
    with pytest.raises(ValueError):
        database.set_point_fieldwork(10**6, issued=1, served=1, actor="wang")
    assert database.get_point(yining[0], first)["served"] is None and _logged(database, yining[0]) == []


# -- page opens -------------------------------------------------------------------------------------------

def test_form_page_opens_are_counted_and_flushed(app, client, database, yining):
    survey_id, codes = yining
    first, second = point_ids(database, survey_id)
    database.opens.seconds = 3600  # no flush by time during the test
    for n in range(5):
        assert phone(app, n).get(f"/s/{codes[0]}").status_code == 200
    assert phone(app, 5).get(f"/s/{codes[1]}?lang=ug").status_code == 200
    client.head(f"/s/{codes[0]}")  # a link checker: not an open
    client.get(f"/s/{codes[0]}/thanks")  # not the form
    assert client.get("/s/nosuchcode").status_code == 404
    assert database.opens.pending == {(first, today(app)): 5, (second, today(app)): 1}
    assert stored_opens(database) == []  # batched: nothing written per view
    assert database.flush_opens() is True
    assert database.opens.pending == {}
    assert stored_opens(database) == [(first, today(app), 5), (second, today(app), 1)]
    phone(app, 6).get(f"/s/{codes[0]}")
    database.flush_opens()  # adds to the stored count
    assert stored_opens(database)[0] == (first, today(app), 6)
    assert [r["opens"] for r in database.fieldwork(survey_id)] == [6, 1]


def test_a_script_repeating_gets_adds_one_open_per_address_and_day(app, database, yining):
    """An outside review: 300 curls of /s/<code> moved 扫码打开 from 1 to 301 and the completion rate printed
    in 附件3 and the workbook to 16.6 %. Without a cookie, or with one this server did not issue, an open
    counts once per address, point and day."""
    survey_id, codes = yining
    script = app.test_client(use_cookies=False)
    for n in range(60):
        assert script.get(f"/s/{codes[0]}").status_code == 200
        made_up = {"Cookie": f"mid=forged{n}"} if n % 2 else {"Cookie": f"mid=forged{n}.AAAAAAAAAAAAAAAA"}
        assert script.get(f"/s/{codes[0]}", headers=made_up).status_code == 200
    database.flush_opens()
    assert [r["opens"] for r in database.fieldwork(survey_id)] == [1, 0]
    phone(app, 1).get(f"/s/{codes[1]}")  # another point, another address: their own
    script.get(f"/s/{codes[1]}")
    database.flush_opens()
    assert [r["opens"] for r in database.fieldwork(survey_id)] == [1, 2]


def test_a_phone_counts_once_a_day_from_its_first_visit_on(app, database, yining):
    """A phone's first visit has no device cookie yet: it counts by its address, and its new device with it,
    so reloading and answering add nothing. Phones sharing that address (a hall's Wi-Fi) count at their next
    visit or when they answer."""
    survey_id, codes = yining
    first = phone(app, 1)
    for _ in range(3):
        page = first.get(f"/s/{codes[0]}").get_data(as_text=True)
    assert first.post(f"/s/{codes[0]}", data=fill(page)).status_code == 303
    first.get(f"/s/{codes[0]}?another=1")
    database.flush_opens()
    assert [r["opens"] for r in database.fieldwork(survey_id)] == [1, 0]
    reloads, answers = phone(app, 1), phone(app, 1)  # the same address
    reloads.get(f"/s/{codes[0]}")
    database.flush_opens()
    assert [r["opens"] for r in database.fieldwork(survey_id)] == [1, 0]  # not yet: the address had its open
    reloads.get(f"/s/{codes[0]}")
    assert answers.post(f"/s/{codes[0]}", data=fill(answers.get(f"/s/{codes[0]}").get_data(as_text=True))).status_code == 303
    database.flush_opens()
    assert [r["opens"] for r in database.fieldwork(survey_id)] == [3, 0]
    assert database.opens.pending == {}
    stored = database.query("select who from page_open_keys")
    assert len(stored) == 4 and all(len(r["who"]) == 24 for r in stored)  # hashes only: 3 devices, 1 address


def test_device_and_address_keys_of_earlier_days_are_dropped(database, yining):
    point = point_ids(database, yining[0])[0]
    for day in ("2024-08-10", "2024-08-12", "2024-08-13"):
        database.count_open(point, day, "same-phone")
        database.count_open(point, day, "same-phone")
        database.flush_opens()
    assert stored_opens(database) == [(point, "2024-08-10", 1), (point, "2024-08-12", 1), (point, "2024-08-13", 1)]
    assert [r["day"] for r in database.query("select day from page_open_keys order by day")] == ["2024-08-12", "2024-08-13"]
    database.count_open(point, "2024-08-13", "same-phone")  # remembered: not even sent
    assert database.opens.pending == {}


def test_opens_are_written_once_enough_have_been_counted_or_enough_time_has_passed(app, client, database, yining):
    survey_id, codes = yining
    first = point_ids(database, survey_id)[0]
    now = [0.0]
    database.opens.clock = lambda: now[0]
    database.opens.seconds, database.opens.limit = 5.0, 3
    database.opens.take()  # starts the interval at the moved clock
    for n in range(7):
        phone(app, n).get(f"/s/{codes[0]}")
    assert stored_opens(database) == [(first, today(app), 6)] and database.opens.pending == {(first, today(app)): 1}
    now[0] = 6.0
    phone(app, 7).get(f"/s/{codes[0]}")
    assert stored_opens(database) == [(first, today(app), 8)] and database.opens.pending == {}


def test_the_thank_you_page_writes_opens_that_have_waited(app, client, database, yining):
    """A quiet hall: two citizens open the form and answer; no later open comes. The thank-you page writes
    the opens once FLUSH_SECONDS have passed, so another process (manyi export, a second worker) sees them:
    an outside review found the web annex saying 31 opens and the CLI's 2."""
    survey_id, codes = yining
    first = point_ids(database, survey_id)[0]
    now = [0.0]
    database.opens.clock = lambda: now[0]
    database.opens.take()  # starts the interval at the moved clock
    phones = [phone(app, n) for n in range(2)]
    pages = [p.get(f"/s/{codes[0]}").get_data(as_text=True) for p in phones]
    phones[0].get(f"/s/{codes[0]}/thanks")
    assert stored_opens(database) == []  # not yet due: the thank-you page writes nothing
    now[0] = 6.0
    for p, page in zip(phones, pages):
        assert p.post(f"/s/{codes[0]}", data=fill(page)).status_code == 303
    assert phones[1].get(f"/s/{codes[0]}/thanks").status_code == 200
    assert stored_opens(database) == [(first, today(app), 2)] and database.opens.pending == {}


def test_closing_the_store_writes_the_opens_it_counted(app, client, database, yining):
    survey_id, codes = yining
    database.opens.seconds = 3600
    for n in range(3):
        phone(app, n).get(f"/s/{codes[1]}")
    database.close()
    other = open_store(app.config["DATABASE"])
    try:
        assert [r["opens"] for r in other.fieldwork(survey_id)] == [0, 3]
    finally:
        other.close()


def test_counting_that_fails_never_breaks_the_page(client, database, yining, monkeypatch):
    survey_id, codes = yining
    database.opens.limit = 1  # every open is due

    def broken(body):
        raise RuntimeError("the counter's write broke")
    monkeypatch.setattr(database, "_write_now", broken)
    assert client.get(f"/s/{codes[0]}").status_code == 200
    assert sum(database.opens.pending.values()) == 1  # kept for a later flush
    def broken_counter(*args):
        raise RuntimeError("the counter broke")
    monkeypatch.setattr(database.opens, "add", broken_counter)
    assert client.get(f"/s/{codes[0]}").status_code == 200
    monkeypatch.undo()
    assert database.flush_opens() and [r["opens"] for r in database.fieldwork(survey_id)] == [1, 0]


@pytest.mark.sqlite_only
def test_sqlite_a_locked_database_keeps_the_counts_and_the_page_renders_at_once(app, client, database, yining):
    survey_id, codes = yining
    database.opens.limit = 1
    holder = sqlite3.connect(database.path, isolation_level=None)  # another process mid-write, outside the turn
    holder.execute("begin immediate")
    try:
        started = time.monotonic()
        assert phone(app, 0).get(f"/s/{codes[0]}").status_code == 200
        assert time.monotonic() - started < 5  # the busy timeout (10 s) was not waited
    finally:
        holder.execute("rollback")
        holder.close()
    other = open_store(database.path)  # another worker holding the write turn
    try:
        with other.backend.writer.turn(5):
            assert phone(app, 1).get(f"/s/{codes[0]}").status_code == 200
            held = threading.Thread(target=phone(app, 2).get, args=(f"/s/{codes[0]}",))  # a thread waits no longer
            held.start()
            held.join(5)
            assert not held.is_alive()
    finally:
        other.close()
    assert stored_opens(database) == [] and sum(database.opens.pending.values()) == 3
    assert database.flush_opens() and [r["opens"] for r in database.fieldwork(survey_id)] == [3, 0]


# -- the rates ----------------------------------------------------------------------------------------------

def pf(id, *, opens=0, returned=0, valid=0, issued=None, served=None):
    return PointFieldwork(id, f"点{id}", f"c{id}", issued, served, opens, returned, valid)


def test_completion_and_response_rates_are_ratios_of_the_counts_beside_them():
    p = pf(1, opens=200, returned=50, valid=45, issued=60, served=900)
    assert p.completion_rate_pct == pytest.approx(25.0) and p.response_rate_pct == pytest.approx(5.0)
    assert pf(2, returned=3, valid=3).completion_rate_pct is None  # no opens counted
    assert pf(3, opens=2, returned=3, valid=3).completion_rate_pct is None  # counting began after collection
    assert pf(4, opens=10).completion_rate_pct == 0.0
    assert pf(5, opens=10, returned=4, valid=4).response_rate_pct is None  # 办件量 not entered
    assert pf(6, opens=10, returned=4, valid=4, served=0).response_rate_pct is None


def test_shares_and_the_total_rate_need_the_served_count_of_every_point_with_answers():
    partial = Fieldwork((pf(1, opens=100, returned=40, valid=36, served=600), pf(2, opens=50, returned=20, valid=18)))
    assert partial.shares is None and not partial.complete and partial.missing_served == ["点2"]
    total = partial.total
    assert (total.opens, total.returned, total.valid, total.served, total.issued) == (150, 60, 54, None, None)
    assert total.completion_rate_pct == pytest.approx(40.0) and total.response_rate_pct is None

    full = Fieldwork((pf(1, opens=100, returned=40, valid=36, served=600, issued=10),
                      pf(2, opens=50, returned=20, valid=18, served=200),
                      pf(3, served=200),  # served but no answers yet: an empty stratum keeps its share
                      pf(4)))  # neither: not a stratum
    assert full.complete and full.missing_served == []
    assert full.shares == pytest.approx({1: 0.6, 2: 0.2, 3: 0.2}) and sum(full.shares.values()) == pytest.approx(1)
    assert full.total.served == 1000 and full.total.issued == 10
    assert full.total.response_rate_pct == pytest.approx(5.4)
    assert Fieldwork((pf(1, served=0, valid=3),)).shares is None
    assert Fieldwork(()).shares is None and Fieldwork(()).total.completion_rate_pct is None


def test_fieldwork_joins_the_record_the_opens_and_the_responses(app, client, database, yining):
    survey_id, codes = yining
    first, second = point_ids(database, survey_id)
    for n in range(4):
        last = phone(app, n)
        page = last.get(f"/s/{codes[0]}").get_data(as_text=True)
    assert last.post(f"/s/{codes[0]}", data=fill(page)).status_code == 303
    database.flush_opens()
    database.set_point_fieldwork(first, issued=None, served=20, actor="wang")
    work = fieldwork.fieldwork(database, survey_id, database.point_counts(survey_id))
    assert work.points == (PointFieldwork(first, "业务大厅", codes[0], None, 20, 4, 1, 1),
                           PointFieldwork(second, "1号窗口", codes[1], None, None, 0, 0, 0))
    assert work.points[0].completion_rate_pct == 25.0 and work.points[0].response_rate_pct == 5.0
    assert work.shares == {first: 1.0}


# -- the evaluator's page -------------------------------------------------------------------------------------

def points_url(survey_id):
    return f"/admin/surveys/{survey_id}/points"


def save_url(survey_id):
    return f"/admin/surveys/{survey_id}/points/fieldwork"


def rows(database, survey_id, values: list[tuple[str, str]]) -> dict:
    """The 采集点 form's fields as the browser posts them: (发放份数, 办件量) per point, in point order."""
    out = {}
    for point_id, (issued, served) in zip(point_ids(database, survey_id), values):
        out[f"point-{point_id}-issued"], out[f"point-{point_id}-served"] = issued, served
    return out


def records(database, survey_id) -> list[tuple]:
    return [(p["issued"], p["served"]) for p in database.list_points(survey_id)]


def test_the_points_page_saves_a_fieldwork_record_and_shows_the_rates(admin_client, database, yining):
    survey_id, codes = yining
    page = admin_client.get(points_url(survey_id)).get_data(as_text=True)
    assert "办件量" in page and "在“采集点”页填写办件量后显示应答率" in page and "—" in page
    assert page.count('type="submit">保存<') == 1  # one form, one 保存, for every point
    done = post_form(admin_client, points_url(survey_id), save_url(survey_id), rows(database, survey_id, [
        ("", " 860 "), ("", "")]))
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/surveys/{survey_id}/points")
    assert records(database, survey_id) == [(None, 860), (None, None)]
    assert [e["action"] for e in _logged(database, survey_id)] == ["fieldwork"]
    post_form(admin_client, points_url(survey_id), save_url(survey_id), rows(database, survey_id, [
        ("", "860"), ("", "")]))
    assert len(_logged(database, survey_id)) == 1  # saved again unchanged: nothing to log
    assert "发放份数与办件量没有改动。" in admin_client.get(points_url(survey_id)).get_data(as_text=True)
    post_form(admin_client, points_url(survey_id), save_url(survey_id), rows(database, survey_id, [
        ("", "860"), ("30", "140")]))
    page = admin_client.get(points_url(survey_id)).get_data(as_text=True)
    assert "已保存：1号窗口 发放份数 — → 30，办件量 — → 140。" in page and 'value="860"' in page and "0.0%" in page
    assert "在“采集点”页填写办件量后显示应答率" not in page


def test_one_save_keeps_what_was_typed_in_every_row(admin_client, database, yining):
    """The reviewer's case: 办件量 typed into all three rows, one 保存: every row is saved (the page once
    had a 保存 per row, and each saved its own row only, dropping what was typed in the others)."""
    survey_id, _ = yining
    database.add_point(survey_id, "2号窗口")
    first = point_ids(database, survey_id)[0]
    database.set_point_fieldwork(first, issued=None, served=120, actor="wang")
    done = post_form(admin_client, points_url(survey_id), save_url(survey_id), rows(database, survey_id, [
        ("", "100"), ("", "90"), ("", "80")]))
    assert done.status_code == 302 and records(database, survey_id) == [(None, 100), (None, 90), (None, 80)]
    page = admin_client.get(points_url(survey_id)).get_data(as_text=True)
    assert "已保存：业务大厅 办件量 120 → 100；1号窗口 办件量 — → 90；2号窗口 办件量 — → 80。" in page
    details = [e["detail"] for e in _logged(database, survey_id)][1:]  # one audit line per changed point
    assert details == ["业务大厅：发放份数 — → —；办件量 120 → 100", "1号窗口：发放份数 — → —；办件量 — → 90",
                       "2号窗口：发放份数 — → —；办件量 — → 80"]
    assert database.verify().ok  # chained as the single setter chains them


@pytest.mark.parametrize("issued, served, message", [
    ("-5", "10", "发放份数不能为负数。"),
    ("abc", "10", "发放份数请输入整数，如 120；不知道可留空。"),
    ("3", "12.5", "办件量请输入整数，如 860；不知道可留空。"),
    ("3", "1e3", "办件量请输入整数，如 860；不知道可留空。"),
    ("3", "99999999999999999999999", "办件量不能超过 1,000,000,000，请核对是否多输了数字。"),
])
def test_bad_fieldwork_input_is_refused_precisely_and_changes_nothing(admin_client, database, yining,
                                                                       issued, served, message):
    """A bad value in one row: its message beside that row, every typed value kept, no row saved."""
    survey_id, _ = yining
    first, second = point_ids(database, survey_id)
    database.set_point_fieldwork(first, issued=1, served=2, actor="wang")
    refused = post_form(admin_client, points_url(survey_id), save_url(survey_id), rows(database, survey_id, [
        ("7", "77"), (issued, served)]))
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert message in page and "尚未保存" in page
    row = re.search(rf'<tr id="point-{second}">.*?</tr>', page, re.S).group(0)
    assert message in row and f'value="{issued}"' in row and f'value="{served}"' in row
    assert 'value="77"' in re.search(rf'<tr id="point-{first}">.*?</tr>', page, re.S).group(0)
    assert records(database, survey_id) == [(1, 2), (None, None)] and len(_logged(database, survey_id)) == 1


def test_fieldwork_form_needs_its_csrf_token_and_a_survey_granted(admin_client, database, yining):
    survey_id, _ = yining
    refused = admin_client.post(save_url(survey_id), data=rows(database, survey_id, [("", "5"), ("", "6")]))
    assert refused.status_code == 400 and "缺少安全令牌" in refused.get_data(as_text=True)  # CSRFProtect's page
    other = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="别的项目")
    foreign = database.add_point(other, "别处")["id"]
    assert post_form(admin_client, points_url(survey_id), save_url(survey_id),
                     {f"point-{foreign}-served": "5"}).status_code == 302  # not a point of this survey: ignored
    assert post_form(admin_client, points_url(survey_id), save_url(other),
                     {f"point-{foreign}-served": "5"}).status_code in (403, 404)  # not granted to this evaluator
    assert records(database, survey_id) == [(None, None)] * 2 and database.get_point(other, foreign)["served"] is None


def test_a_point_added_after_the_page_was_shown_keeps_its_record(admin_client, database, yining):
    survey_id, _ = yining
    posted = rows(database, survey_id, [("", "10"), ("", "20")])
    late = database.add_point(survey_id, "2号窗口")["id"]
    database.set_point_fieldwork(late, issued=5, served=50, actor="li")
    assert post_form(admin_client, points_url(survey_id), save_url(survey_id), posted).status_code == 302
    assert records(database, survey_id) == [(None, 10), (None, 20), (5, 50)]


def test_copy_db_moves_the_fieldwork_record_and_the_opens(tmp_path, pg):
    from survey_app.store.copy import copy_database

    source = open_store(str(tmp_path / "source.sqlite3"))
    source.migrate()
    survey_id = source.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="搬迁")
    point = source.add_point(survey_id, "业务大厅")["id"]
    source.set_point_fieldwork(point, issued=12, served=340, actor="wang")
    for _ in range(3):
        source.count_open(point, "2024-08-13")
    source.flush_opens()
    pg.create_database("fieldwork_copy")
    destination = open_store(pg.url("fieldwork_copy"))
    try:
        report = copy_database(source, destination)
        assert report.problems == [] and report.rows["page_opens"] == 1
        assert destination.fieldwork(survey_id) == source.fieldwork(survey_id) == [
            {"point_id": point, "name": "业务大厅", "code": source.get_point(survey_id, point)["code"],
             "issued": 12, "served": 340, "opens": 3}]
    finally:
        source.close()
        destination.close()
        pg.drop_database("fieldwork_copy")


def test_a_forked_worker_starts_with_no_opens_of_its_parent():
    import os

    from survey_app.store.page_opens import OpenCounter

    counter = OpenCounter()
    counter.add(1, "2024-08-13")
    child = os.fork()
    if child == 0:  # a gunicorn worker forked from a master that had counted: it must not write them again
        os._exit(0 if not counter.take() and counter.pending == {} else 1)
    assert os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) == 0
    assert counter.pending == {(1, "2024-08-13"): 1}


def test_a_served_count_below_the_points_valid_answers_is_refused(admin_client, client, database, yining):
    """办件量 0 (or any number below the answers at the point) would make no sense of the response rate and
    drop the point's answers from the stratified estimate: refused, with the count it must reach."""
    from tests.yining import submit_all, yining_rows
    survey_id, codes = yining
    submit_all(client, codes[0], yining_rows()[:3])
    refused = post_form(admin_client, points_url(survey_id), save_url(survey_id), rows(database, survey_id, [
        ("", "0"), ("", "40")]))
    assert refused.status_code == 400 and "少于该采集点已有的有效问卷（3 份）" in refused.get_data(as_text=True)
    assert records(database, survey_id) == [(None, None)] * 2  # the other row's 40 waits too
    assert post_form(admin_client, points_url(survey_id), save_url(survey_id), rows(database, survey_id, [
        ("", "3"), ("", "40")])).status_code == 302
    assert records(database, survey_id) == [(None, 3), (None, 40)]


def test_phones_behind_one_address_count_their_first_visits_apart_by_browser(app, database, yining):
    """A hall's Wi-Fi or a carrier's NAT gives many phones one address: their first visits (no cookie yet)
    count apart when their browsers differ, so phones that open the form and leave are not lost to the
    completion rate; a script repeating one browser's request still adds one."""
    survey_id, codes = yining
    models = ["Mozilla/5.0 (Linux; Android 12; V2111A) MicroMessenger/8.0.40",
              "Mozilla/5.0 (Linux; Android 10; Redmi 9A) MicroMessenger/8.0.38",
              "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) MicroMessenger/8.0.42"]
    for model in models:
        for _ in range(20):
            client = phone(app, 7)  # one address, a fresh phone each time (no cookie)
            assert client.get(f"/s/{codes[0]}", headers={"User-Agent": model}).status_code == 200
    database.flush_opens()
    assert [r["opens"] for r in database.fieldwork(survey_id)] == [3, 0]
