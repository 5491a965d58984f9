"""Issue 13, item 1: whoever holds the database but not the chain key cannot rewrite results unnoticed.

Each test is one attack of the issue, done as an attacker with the file would do it (raw SQL, recounting
what is recounted, re-linking with the plain SHA-256 the chains used to use), followed by ``verify``,
which must name it. Then the key's own rules: generated once on a single SQLite server, required on
PostgreSQL, and a wrong key stops start-up.
"""
import hashlib
from types import SimpleNamespace

import pytest

from survey_app import create_app
from survey_app.store import Audit, StartupError, WrongChainKey, app_chain_key, chain_hash, open_store
from tests.helpers import YINING_ANSWERS

ANSWERS = sorted(YINING_ANSWERS.items())


@pytest.fixture
def filled(database, yining):
    """The Yining survey with 6 answers at the hall and 4 at the window, one excluded: (survey id, points)."""
    survey_id, codes = yining
    points = [database.point_by_code(code)[0]["id"] for code in codes]
    for i in range(10):
        database.save_response(survey_id=survey_id, point_id=points[0 if i < 6 else 1], questionnaire_version=1,
                               submission_key=f"trust-{i}", answers=ANSWERS, seconds_on_page=40 + i,
                               language="zh-CN", device_hash=f"device-{i}")
    database.set_response_status(3, status="excluded", reason="答题过快", user="wang")
    assert database.verify().ok
    return survey_id, points


def _problems(database) -> str:
    v = database.verify()
    assert not v.ok
    return "\n".join([f"response {rid}: {what}" for rid, what in v.bad_responses] + list(v.count_problems))


def _recount(database):
    """What an attacker does after deleting rows: make the running tallies and counts agree again."""
    database.execute("delete from tallies")
    database.execute("insert into tallies (survey_id, point_id, question_id, value, n) select r.survey_id,"
                     " r.point_id, a.question_id, a.value, count(*) from answers a join responses r on r.id ="
                     " a.response_id where r.status = 'valid' group by 1, 2, 3, 4")
    database.execute("delete from response_counts")
    database.execute("insert into response_counts (survey_id, point_id, hour, status, n) select survey_id,"
                     " point_id, substr(submitted_at, 1, 13), status, count(*) from responses group by 1, 2, 3, 4")


def test_deleting_the_newest_responses_and_rolling_the_head_back_is_found(database, filled):
    _, (hall, _) = filled
    for rid in (5, 6):  # the hall's two newest
        database.execute("delete from answers where response_id = ?", [rid])
        database.execute("delete from responses where id = ?", [rid])
    _recount(database)
    database.execute("update chain_heads set response_id = 4, hash = (select hash from responses where id = 4)"
                     " where point_id = ?", [hall])
    assert f"chain head of point {hall} does not match its MAC" in _problems(database)


def test_changing_answers_and_rebuilding_the_chain_is_found(database, filled):
    prev = ""
    for row in database.query("select * from responses where point_id = (select point_id from responses"
                              " where id = 1) order by id"):
        database.execute("update answers set value = 'E' where response_id = ? and question_id = 'q5'", [row["id"]])
        answers = [tuple(a) for a in database.execute(
            "select question_id, value from answers where response_id = ?", [row["id"]]).fetchall()]
        digest = chain_hash(prev, row, answers)  # the best a key-less attacker can do
        database.execute("update responses set prev_hash = ?, hash = ? where id = ?", [prev, digest, row["id"]])
        prev = digest
    _recount(database)
    assert "response 1: stored hash does not match its fields and answers (edited)" in _problems(database)


def test_appending_forged_responses_is_found(database, filled):
    survey_id, (hall, _) = filled
    head = database.query("select response_id, hash from chain_heads where point_id = ?", [hall])[0]
    forged_hash = hashlib.sha256(b"forged").hexdigest()
    rid = database.execute("insert into responses (survey_id, point_id, questionnaire_version, submission_key,"
                           " submitted_at, status, prev_hash, hash) values (?, ?, 1, 'forged', ?, 'valid', ?, ?)"
                           " returning id", [survey_id, hall, "2024-06-01T00:00:00.000000+00:00", head["hash"],
                                             forged_hash]).fetchone()[0]
    database.execute("insert into answers (response_id, question_id, value) values (?, 'q5', 'A')", [rid])
    database.execute("update chain_heads set response_id = ?, hash = ? where point_id = ?", [rid, forged_hash, hall])
    _recount(database)
    problems = _problems(database)
    assert f"response {rid}: stored hash does not match" in problems and "does not match its MAC" in problems


def test_an_exclusion_with_a_forged_audit_line_is_found(database, filled):
    survey_id, _ = filled
    database.execute("update responses set status = 'excluded', exclude_reason = '重复' where id = 7")
    database.execute('insert into audit_log (at, "user", action, survey_id, response_id, detail, state, prev_hash,'
                     " hash) select '2024-06-01', 'wang', 'exclude', ?, 7, '重复', state, hash, ? from audit_log"
                     " where survey_id = ? order by id desc limit 1", [survey_id, "0" * 64, survey_id])
    _recount(database)
    problems = _problems(database)
    assert "does not match its link (edited or forged)" in problems
    assert f"survey {survey_id}: the chain head is audit line" in problems


def test_editing_or_deleting_an_audit_line_is_found(database, filled):
    survey_id, _ = filled
    line = database.query("select id from audit_log where action = 'exclude'")[0]["id"]
    database.execute("update audit_log set detail = '现场核实' where id = ?", [line])
    assert f"audit line {line} does not match its link" in _problems(database)
    database.execute("update audit_log set detail = '答题过快' where id = ?", [line])
    assert database.verify().ok
    database.execute("delete from audit_log where id = ?", [line])
    problems = _problems(database)
    assert "status 'excluded' does not match the audit log" in problems or "link to the line before" in problems


def test_changing_a_surveys_target_behind_manyi_is_found(database, filled):
    survey_id, _ = filled
    database.execute("update surveys set target = 90 where id = ?", [survey_id])
    assert f"survey {survey_id}: its settings (target" in _problems(database)
    database.execute("update surveys set target = 95 where id = ?", [survey_id])
    database.update_survey(survey_id, target=90, audit=Audit("wang", "settings", "target 90"))  # through Manyi
    assert database.verify().ok


def test_changing_a_points_transactions_behind_manyi_is_found(database, filled):
    survey_id, (hall, _) = filled
    database.set_point_fieldwork(hall, issued=None, served=800, actor="wang")
    assert database.verify().ok
    database.execute("update points set served = 80 where id = ?", [hall])
    assert f"survey {survey_id}: its settings" in _problems(database)


def test_rewriting_seconds_on_page_or_device_hashes_to_hide_flags_is_found(database, filled):
    database.execute("update responses set seconds_on_page = 300 where id = 2")
    assert "response 2: stored hash does not match" in _problems(database)
    database.execute("update responses set seconds_on_page = 41 where id = 2")
    database.execute("update responses set device_hash = 'other' where id = 8")
    assert "response 8: stored hash does not match" in _problems(database)


def test_the_channel_is_covered_too(database, filled):
    database.execute("update responses set channel = '纸质' where id = 9")
    assert "response 9: stored hash does not match" in _problems(database)


def test_an_exclusion_reason_written_on_a_valid_response_is_found(database, filled):
    """Manyi clears the reason when it restores a response; the raw downloads print it in 剔除原因."""
    database.set_response_status(3, status="valid", reason="复核后确认有效", user="wang")
    assert database.verify().ok
    for rid in (3, 4):  # restored, and never excluded
        database.execute("update responses set exclude_reason = '重复作答' where id = ?", [rid])
    problems = _problems(database)
    assert "response 3: an exclusion reason on a valid response" in problems
    assert "response 4: an exclusion reason on a valid response" in problems


def test_verify_with_another_key_fails_rather_than_passing(app, database, filled):
    keyless = open_store(app.config["DATABASE"], chain_key="not the key")
    try:
        with pytest.raises(WrongChainKey, match="is not the one .* was keyed with"):
            keyless.verify()  # one error naming both keys, not a pass and not every link called forged
        database.execute("update store_meta set value = ? where key = 'key_fingerprint'",
                         [keyless.backend.chain_key.fingerprint])  # a holder hiding that it is another key
        assert not keyless.verify().ok  # the record's MAC still does not fit
    finally:
        keyless.close()


def _app(instance, **config):
    return SimpleNamespace(config=config, instance_path=str(instance))


def test_a_single_sqlite_server_writes_its_key_once_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_CHAIN_KEY")
    first = app_chain_key(_app(tmp_path), postgres=False)
    key_file = tmp_path / "chain.key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert app_chain_key(_app(tmp_path), postgres=False).fingerprint == first.fingerprint
    assert app_chain_key(_app(tmp_path, CHAIN_KEY="configured"), postgres=False).fingerprint != first.fingerprint


def test_postgresql_refuses_to_start_without_a_configured_key(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_CHAIN_KEY")
    with pytest.raises(StartupError, match="FLASK_CHAIN_KEY"):
        app_chain_key(_app(tmp_path), postgres=True)
    assert not (tmp_path / "chain.key").exists()


def test_a_database_keyed_with_another_key_stops_start_up(database_url):
    url = database_url("other")
    create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": url})  # keyed with the suite's key
    with pytest.raises(StartupError, match="not the one this database was keyed with .*the key given is from CHAIN_KEY"):
        create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": url, "CHAIN_KEY": "a second key"})
    with pytest.raises(StartupError, match="FLASK_DATABASE is empty"):
        create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": " "})


def test_changing_the_target_and_its_recorded_state_together_is_found(database, filled):
    """The attacker rewrites the state the newest audit line recorded too: the line's link covers it."""
    survey_id, _ = filled
    database.execute("update surveys set target = 90 where id = ?", [survey_id])
    line = database.query("select id, state from audit_log where survey_id = ? order by id desc limit 1",
                          [survey_id])[0]
    database.execute("update audit_log set state = ? where id = ?",
                     [line["state"].replace('"target":95.0', '"target":90.0'), line["id"]])
    assert f"audit line {line['id']} does not match its link" in _problems(database)


def test_removing_the_keyed_record_is_found_and_never_keyed_again_silently(app, database, filled):
    """Without the record of where keyed links begin, every link would be checked as plain SHA-256, which
    anyone can recompute: verify names the removal and start-up refuses to key the chains a second time."""
    test_changing_answers_and_rebuilding_the_chain_is_found(database, filled)  # a key-less rewrite ...
    database.execute("delete from store_meta where key like 'keyed%' or key = 'key_fingerprint'")  # ... then this
    assert "the record of where the keyed links begin (store_meta keyed_mac) is missing" in _problems(database)
    with pytest.raises(StartupError, match="keyed_mac\\) is missing: someone removed it"):
        create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": app.config["DATABASE"]})
    assert not database.store_meta().get("keyed_mac")  # nothing was keyed over the forgery


def test_moving_the_old_chains_end_to_skip_its_checks_is_found(database, filled):
    """legacy_last_id and genesis are covered by the keyed record's MAC: set past every id, the old chain would
    swallow every response and skip the heads' check."""
    database.execute("update store_meta set value = '9223372036854775808' where key = 'legacy_last_id'")
    assert "the record of where the keyed links begin does not match its MAC" in _problems(database)


def test_a_database_keyed_in_the_records_first_form_is_upgraded_at_start(app, database, filled):
    from survey_app.store.chain import _keyed_mac
    meta = database.store_meta()
    key = database.backend.chain_key
    first = _keyed_mac(key, int(meta["keyed_from_response"]), int(meta["keyed_from_audit"]))
    database.execute("update store_meta set value = ? where key = 'keyed_mac'", [first])
    database.execute("delete from store_meta where key = 'keyed_format'")
    assert database.verify().ok  # a backup keyed before still verifies
    create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": app.config["DATABASE"]})
    meta = database.store_meta()
    assert meta["keyed_format"] == "2" and meta["keyed_mac"] != first and database.verify().ok
    survey_id = filled[0]
    assert database.query("select action from audit_log where survey_id = ? order by id desc limit 1",
                          [survey_id]) == [{"action": "keyed_record_v2"}]  # the upgrade is in the survey's chain


def test_putting_the_records_first_form_back_from_an_old_copy_is_found(app, database, filled):
    """A holder of the file without the key puts back the first-form record of a backup made before the
    upgrade (its MAC is genuine), to move the old chain's end again: verify names it, start-up refuses."""
    test_a_database_keyed_in_the_records_first_form_is_upgraded_at_start(app, database, filled)
    from survey_app.store.chain import _keyed_mac
    meta = database.store_meta()
    first = _keyed_mac(database.backend.chain_key, int(meta["keyed_from_response"]), int(meta["keyed_from_audit"]))
    database.execute("update store_meta set value = ? where key = 'keyed_mac'", [first])  # the old copy's rows
    database.execute("delete from store_meta where key = 'keyed_format'")
    database.execute("update store_meta set value = '9223372036854775808' where key = 'legacy_last_id'")
    assert "it was put back from an older copy" in _problems(database)
    with pytest.raises(StartupError, match="put back from an older copy"):
        create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": app.config["DATABASE"]})
    assert database.store_meta()["keyed_mac"] == first  # not certified by a second upgrade


@pytest.mark.parametrize("change", [
    "update points set name = '1号窗口（改）' where id = {point}",             # a hall's answers under another name
    "delete from points where id = {point}",                                 # a whole point gone (no answers at it)
    "update surveys set title = '别的项目' where id = {survey}",
    "insert into population_margins (survey_id, question_id, value, share) values ({survey}, 'gender', '1', 0.9)"])
def test_renaming_or_removing_a_point_or_editing_a_title_or_margin_is_found(database, filled, change):
    survey_id, _ = filled
    point = database.add_point(survey_id, "3号窗口")["id"]
    assert database.verify().ok
    if change.startswith("delete"):
        database.execute("delete from chain_heads where point_id = ?", [point])
    database.execute(change.format(point=point, survey=survey_id))
    assert f"survey {survey_id}: its settings (target, rule, population, 办件量, points" in _problems(database)


def test_a_survey_whose_newest_line_recorded_less_gets_its_state_recorded_in_full_at_start(app, database, filled):
    """Lines written before 2026-12 recorded the figure-moving settings only: still verified as such, and at
    the next start a line records the rest (points, title, margins), unless what was recorded no longer holds."""
    import json
    from survey_app.store.audit import STATE_FIELDS, entry_link
    from survey_app.store.chain import head_mac
    survey_id, _ = filled
    line = database.query("select * from audit_log where survey_id = ? order by id desc limit 1", [survey_id])[0]
    state = json.loads(line["state"])
    old = json.dumps({k: state[k] for k in (*STATE_FIELDS, "fieldwork")}, ensure_ascii=False, separators=(",", ":"),
                     sort_keys=True)
    key = database.backend.chain_key
    link = entry_link(key, line["prev_hash"], {**line, "state": old})
    database.execute("update audit_log set state = ?, hash = ? where id = ?", [old, link, line["id"]])
    database.execute("update survey_heads set hash = ?, mac = ? where survey_id = ?",
                     [link, head_mac(key, "survey", survey_id, line["id"], link), survey_id])
    database.execute("update surveys set title = '改过的标题' where id = ?", [survey_id])
    assert database.verify().ok  # the old line did not record the title
    create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": app.config["DATABASE"]})
    newest = database.audit_entries(survey_id)[-1]
    assert (newest["action"], newest["detail"]) == ("state", "settings recorded in full") and database.verify().ok
    database.execute("update surveys set title = '再改' where id = ?", [survey_id])
    assert "its settings (target, rule, population, 办件量, points, title" in _problems(database)


@pytest.mark.parametrize("deleted", [2, 4])  # a point's newest responses, or all of them
def test_removing_a_points_chain_head_to_delete_its_answers_is_found(database, filled, deleted):
    """Without the key: delete a point's newest answers and its chain head row, so that no head is there to
    compare with; verify names the missing head."""
    _, points = filled
    window = points[1]
    ids = [r["id"] for r in database.query("select id from responses where point_id = ? order by id desc", [window])]
    for rid in ids[:deleted]:
        database.execute("delete from answers where response_id = ?", [rid])
        database.execute("delete from responses where id = ?", [rid])
    database.execute("delete from chain_heads where point_id = ?", [window])
    _recount(database)
    problems = _problems(database)
    assert f"point {window} has no chain head" in problems
    if deleted < 4:
        assert f"responses at point {window} but no chain head for it" in problems


@pytest.mark.parametrize("change", [
    "update store_meta set value = 'x' where key = 'keyed_from_response'",
    "delete from store_meta where key = 'keyed_from_audit'",
    "update store_meta set value = '9e999' where key = 'legacy_last_id'",
    "update audit_log set state = 'not json' where id = (select max(id) from audit_log)",
    "update surveys set target = 'abc'"])
def test_values_manyi_never_writes_are_named_not_a_traceback(app, database, filled, change):
    """Whatever a holder of the file writes where Manyi reads a number or JSON, verify names a problem (never
    raises), and a changed keyed record is called changed, not "another key" with two equal fingerprints."""
    if "target" in change and database.kind == "postgresql":
        change = "alter table surveys alter column target type text; update surveys set target = 'abc'"
    for statement in change.split("; "):
        database.execute(statement)
    assert _problems(database)  # not ok, and no exception
    if "store_meta" in change:
        with pytest.raises(StartupError) as refused:
            create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": app.config["DATABASE"]})
        assert "changed behind Manyi's back" in str(refused.value) and "fingerprint" not in str(refused.value)


@pytest.mark.parametrize("change", [
    # answers moved from one age group to another: every total still agrees with the tallies
    "update group_tallies set group_value = 'B' where group_id = 'gender' and question_id = 'q5'",
    # counts for a pair never folded
    "insert into group_tallies (survey_id, point_id, group_id, group_value, question_id, value, n)"
    " values ({survey}, {point}, 'q1', 'A', 'q5', 'A', 3)"])
def test_changing_the_breakdown_counts_is_found(database, filled, change):
    """Without the key: the folded counts behind 交叉分析 are recounted by verify."""
    survey_id, points = filled
    assert database.group_counts(survey_id, "gender", "q5")
    database.set_response_status(4, status="excluded", reason="重复", user="wang")  # moves the folded counts too
    assert database.verify().ok
    database.execute(change.format(survey=survey_id, point=points[0]))
    assert f"breakdown counts of survey {survey_id}, q5 by" in _problems(database)


def test_two_servers_upgrading_the_first_form_at_once_both_start(app, database, filled, monkeypatch):
    """Server A reads the first-form record; server B upgrades it (writing its chain line) before A looks for
    that line: A must see B's upgrade, not call the record put back from an older copy."""
    from survey_app.store.chain import _keyed_mac
    meta = database.store_meta()
    first = _keyed_mac(database.backend.chain_key, int(meta["keyed_from_response"]), int(meta["keyed_from_audit"]))
    database.execute("update store_meta set value = ? where key = 'keyed_mac'", [first])
    database.execute("delete from store_meta where key = 'keyed_format'")
    stale = database.store_meta()  # what A read
    create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": app.config["DATABASE"]})  # B upgrades meanwhile
    reads = iter([stale])
    real = type(database).store_meta
    monkeypatch.setattr(type(database), "store_meta", lambda self: next(reads, None) or real(self))
    assert database.key_chains() is False  # A carries on: keyed before, now in the second form
    monkeypatch.undo()
    assert database.store_meta()["keyed_format"] == "2" and database.verify().ok
