"""Databases made by older versions of Manyi, upgraded to this one: built here in the state the old version and
the migrations left them (the points' chains starting from one global chain, audit lines that recorded fewer
settings, a backup made before the upgrade restored), then checked with receipts, anchors and verify."""
import json

import pytest

from survey_app.store import chain_hash
from survey_app.store.chain import _keyed_mac, head_mac
from survey_app.store.receipts import _canonical, signing_key
from tests.helpers import YINING_ANSWERS

ANSWERS = sorted(YINING_ANSWERS.items())


def _save(database, survey_id, point, key):
    return database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1, submission_key=key,
                                  answers=ANSWERS, seconds_on_page=40, language="zh-CN", device_hash=None)


def as_upgraded_from_one_chain(database) -> str:
    """The state a database made before per-point chains (87a0bbc, survey_app/db.py) is in after m007 and the
    keying, with nothing submitted since: every response a plain link of one global chain, every point's head
    at response 0 with that chain's head (the genesis), the keyed record covering it. Returns the genesis."""
    key, prev = database.backend.chain_key, ""
    for row in database.query("select * from responses order by id"):
        answers = [(a["question_id"], a["value"]) for a in database.query(
            "select question_id, value from answers where response_id = ?", [row["id"]])]
        link = chain_hash(prev, row, answers)
        database.execute("update responses set prev_hash = ?, hash = ? where id = ?", [prev, link, row["id"]])
        prev = link
    last = database.query("select max(id) as id from responses")[0]["id"]
    for name, value in (("legacy_last_id", last), ("genesis", prev), ("keyed_from_response", last)):
        database.execute("update store_meta set value = ? where key = ?", [str(value), name])
    meta = database.store_meta()
    database.execute("update store_meta set value = ? where key = 'keyed_mac'",
                     [_keyed_mac(key, last, int(meta["keyed_from_audit"]), meta)])
    for point in [r["point_id"] for r in database.query("select point_id from chain_heads")]:
        database.execute("update chain_heads set response_id = 0, hash = ?, mac = ? where point_id = ?",
                         [prev, head_mac(key, "point", point, 0, prev), point])
    assert database.verify().ok
    return prev


@pytest.fixture
def upgraded(database, yining):
    """The Yining survey, 5 answers at the hall and 3 at the window, all from before the upgrade."""
    survey_id, codes = yining
    points = [database.point_by_code(code)[0]["id"] for code in codes]
    for i in range(8):
        _save(database, survey_id, points[0] if i % 3 else points[1], f"old-{i}")
    return survey_id, points, as_upgraded_from_one_chain(database)


def _delete(database, response_id):
    database.execute("delete from answers where response_id = ?", [response_id])
    database.execute("delete from responses where id = ?", [response_id])


def test_a_receipt_of_points_with_nothing_since_the_upgrade_covers_their_old_answers(runner, database, upgraded,
                                                                                     tmp_path):
    survey_id, (hall, window), _ = upgraded
    receipt = database.receipt(survey_id)
    newest = {p: database.query("select max(id) as id from responses where point_id = ?", [p])[0]["id"]
              for p in (hall, window)}
    assert [(p["point_id"], p["head_id"], p["responses"]) for p in receipt["points"]] == [
        (hall, newest[hall], 5), (window, newest[window], 3)]  # the last response each point's chain covers
    assert database.check_receipt(receipt) == []
    anchors = tmp_path / "anchors.jsonl"
    for appended in (1, 0):  # the second run checks the first line: it used to call every old answer missing
        result = runner.invoke(args=["anchor", str(anchors)])
        assert result.exit_code == 0 and f"Appended {appended} receipt(s)" in result.output, result.output
    _delete(database, 1)  # an old answer at the window removed: the receipt still names it
    assert database.check_receipt(receipt)[0].startswith(
        f"point {receipt['points'][1]['code']}: the receipt holds 3 responses up to response id {newest[window]};"
        " the database holds 2 of them: 1 missing")


def test_a_receipt_made_before_the_fix_still_checks_and_still_catches(database, upgraded):
    """Receipts and anchors written before 2027-01 say head 0 with the old chain's head for such a point."""
    survey_id, _, genesis = upgraded
    key = database.backend.chain_key
    body = {k: v for k, v in database.receipt(survey_id).items() if k != "signature"}
    body["points"] = [{**p, "head_id": 0, "head": genesis} for p in body["points"]]
    old = {**body, "signature": signing_key(key).sign(_canonical(body)).hex()}
    assert database.check_receipt(old) == []
    _delete(database, 2)  # one of the hall's
    assert "the database holds 4 of them: 1 missing" in database.check_receipt(old)[0]
    database.execute("update responses set hash = 'x' where id = (select max(id) from responses)")
    window = old["points"][1]["code"]  # the old chain's newest link, at the hall, now differs
    assert f"point {window}: the chain up to response id 7 was rewritten" in database.check_receipt(old)[1]


def _as_recorded_by_an_old_version(database, survey_id, *, without: tuple[str, ...]) -> None:
    """The survey's newest audit line as a version that did not record ``without`` wrote it (754a4af, before
    m014: no 项目名称), linked and MACed with the key as that version did."""
    from survey_app.store.audit import entry_link
    line = database.query("select * from audit_log where survey_id = ? order by id desc limit 1", [survey_id])[0]
    state = {k: v for k, v in json.loads(line["state"]).items() if k not in without}
    old = json.dumps(state, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    key = database.backend.chain_key
    link = entry_link(key, line["prev_hash"], {**line, "state": old})
    database.execute("update audit_log set state = ?, hash = ? where id = ?", [old, link, line["id"]])
    database.execute("update survey_heads set hash = ?, mac = ? where survey_id = ?",
                     [link, head_mac(key, "survey", survey_id, line["id"], link), survey_id])
    assert database.verify().ok


@pytest.mark.parametrize("setting, change", [
    ("project", "project = '篡改的项目名称'"),            # 754a4af's lines: before m014
    ("one_per_device", "one_per_device = 1"),
    ("compare_with", "compare_with = {survey}")])
def test_a_setting_the_newest_line_did_not_record_is_recorded_at_the_upgrade_and_then_protected(
        app, database, yining, setting, change):
    from survey_app import create_app
    survey_id, _ = yining
    _as_recorded_by_an_old_version(database, survey_id, without=(setting,))
    create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": app.config["DATABASE"]})  # the upgrade's start
    newest = database.audit_entries(survey_id)[-1]
    assert (newest["action"], newest["detail"]) == ("state", "settings recorded in full")
    assert setting in json.loads(newest["state"]) and database.verify().ok
    create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": app.config["DATABASE"]})
    assert database.audit_entries(survey_id)[-1]["id"] == newest["id"]  # once: the next start adds nothing
    database.execute(f"update surveys set {change.format(survey=survey_id)} where id = ?", [survey_id])
    result = database.verify()
    assert not result.ok and any(f"survey {survey_id}: its settings" in p and p.endswith(
        f"(changed behind Manyi's back: {setting})") for p in result.count_problems), result
