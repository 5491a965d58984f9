"""Databases made by older versions of Manyi, upgraded to this one: built here in the state the old version and
the migrations left them (the points' chains starting from one global chain, audit lines that recorded fewer
settings, a backup made before the upgrade restored), then checked with receipts, anchors and verify."""
import json

import pytest

from survey_app.store import chain_hash
from survey_app.store.chain import _keyed_mac, head_mac
from survey_app.store.receipts import _canonical, signing_key
from tests.helpers import YINING_ANSWERS
from tests.test_trust import _recount

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
    """Receipts and anchors written before commit a218c74 (2026-12-03) say head 0 with the old chain's head for such a point."""
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


def _relink(database, survey_id, first_id, **fields):
    """What a holder of the database and the key can do: change audit line ``first_id`` (``fields``) and link
    every line after it again, with the survey's head MACed."""
    from survey_app.store.audit import entry_link
    key = database.backend.chain_key
    lines = database.query("select * from audit_log where survey_id = ? and id >= ? order by id", [survey_id, first_id])
    prev = lines[0]["prev_hash"]
    for line in lines:
        line = {**line, **(fields if line["id"] == first_id else {})}
        link = entry_link(key, prev, line)
        database.execute("update audit_log set at = ?, action = ?, detail = ?, prev_hash = ?, hash = ? where id = ?",
                         [line["at"], line["action"], line["detail"], prev, link, line["id"]])
        prev = link
    database.execute("update survey_heads set hash = ?, mac = ? where survey_id = ?",
                     [prev, head_mac(key, "survey", survey_id, lines[-1]["id"], prev), survey_id])
    assert database.verify().ok


class _Backup:
    """A database keyed in the record's first form (596c5e6), with an exclusion; ``restore()`` puts back what
    its backup made before the upgrade holds (the upgrade's lines gone, the first-form record back)."""

    def __init__(self, app, database, survey_id, point, backend):
        self.app, self.database, self.survey_id, self.point, self.backend = app, database, survey_id, point, backend
        self.point_head = database.query("select * from chain_heads where point_id = ?", [point])[0]
        meta = database.store_meta()
        self.first = _keyed_mac(database.backend.chain_key, int(meta["keyed_from_response"]),
                                int(meta["keyed_from_audit"]))
        self.restore(lines_after=None)

    def restore(self, lines_after):
        db = self.database
        if lines_after is not None:
            db.execute("delete from audit_log where id > ?", [lines_after])
            db.execute("update survey_heads set audit_id = ?, hash = ?, mac = ? where survey_id = ?",
                       [self.head["audit_id"], self.head["hash"], self.head["mac"], self.survey_id])
            if self.backend == "postgresql":
                db.execute("select setval(pg_get_serial_sequence('audit_log', 'id'), ?)", [lines_after])
        db.execute("update store_meta set value = ? where key = 'keyed_mac'", [self.first])
        db.execute("delete from store_meta where key = 'keyed_format'")
        self.head = db.query("select audit_id, hash, mac from survey_heads where survey_id = ?", [self.survey_id])[0]
        self.lines = self.head["audit_id"]
        assert db.verify().ok

    def upgrade(self):
        from survey_app import create_app
        create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": self.app.config["DATABASE"]})
        newest = self.database.audit_entries(self.survey_id)[-1]
        assert newest["action"] == "keyed_record_v2" and self.database.verify().ok
        return newest


@pytest.fixture
def backup(app, database, yining, backend):
    survey_id, codes = yining
    point = database.point_by_code(codes[0])[0]["id"]
    for i in range(4):
        _save(database, survey_id, point, f"b-{i}")
    database.set_response_status(2, status="excluded", reason="答题过快", user="wang")
    return _Backup(app, database, survey_id, point, backend)


def test_a_backup_made_before_the_upgrade_restored_and_upgraded_again_writes_the_same_line(database, backup):
    line = backup.upgrade()
    assert line["at"] == database.audit_entries(backup.survey_id)[-2]["at"]  # dated as the line before it
    receipt = database.receipt(backup.survey_id)
    backup.restore(lines_after=backup.lines)
    assert backup.upgrade() == line and database.check_receipt(receipt) == []


def test_an_upgrade_line_an_older_version_dated_with_the_clock_is_named_not_called_a_rewrite(database, backup):
    """Versions before commit 591d731 (2026-12-03) dated the upgrade's line with the clock: restored and upgraded again, the line
    differs from the receipt's. When the receipt's time is the line's, it is proven the same line otherwise."""
    line = backup.upgrade()
    from survey_app.store.common import utcnow
    _relink(database, backup.survey_id, line["id"], at=utcnow())  # the clock, after every response
    newest_line = database.receipt(backup.survey_id)  # as_of is the line's own time
    lost = _save(database, backup.survey_id, backup.point, "after-the-upgrade").response_id
    newer_response = database.receipt(backup.survey_id)
    backup.restore(lines_after=backup.lines)
    _delete(database, lost)  # and the chain head, tallies and counts as the backup holds them
    database.execute("update chain_heads set response_id = ?, hash = ?, mac = ? where point_id = ?",
                     [backup.point_head["response_id"], backup.point_head["hash"], backup.point_head["mac"],
                      backup.point])
    _recount(database)
    backup.upgrade()
    assert database.check_receipt(newest_line) == []
    problems = database.check_receipt(newer_response)
    assert not any(p.startswith("audit log: the log up to entry id") for p in problems), problems
    assert any(p.startswith(f"audit log: entry id {line['id']}, the newest the receipt covers, is not the one the"
                            " receipt signed but an upgrade's line (keyed_record_v2) written again at") and
               "restored and started again (what it lost of what the receipt covers is named here)" in p
               for p in problems), problems
    assert any("1 missing" in p for p in problems), problems


def test_a_key_holder_rewriting_a_line_before_the_upgrade_line_is_still_caught(database, backup):
    line = backup.upgrade()
    receipt = database.receipt(backup.survey_id)
    exclusion = [e for e in database.audit_entries(backup.survey_id) if e["action"] == "exclude"][0]
    database.execute("update responses set exclude_reason = '重复提交' where id = ?", [exclusion["response_id"]])
    _relink(database, backup.survey_id, exclusion["id"], detail="重复提交")  # the reason changed, relinked
    problems = database.check_receipt(receipt)
    assert len(problems) == 1 and f"entry id {line['id']}" in problems[0] and "or the log up to that line was" \
        " rewritten" in problems[0] and "none of the responses or audit lines the receipt covers is missing" in problems[0]
    _relink(database, backup.survey_id, line["id"], action="settings")  # not an upgrade's line: a rewrite, as before
    assert database.check_receipt(receipt)[0].startswith(f"audit log: the log up to entry id {line['id']} was rewritten")


def test_a_restore_that_lost_an_exclusion_says_its_line_is_missing(database, backup):
    backup.upgrade()
    database.set_response_status(3, status="excluded", reason="重复", user="wang")
    receipt = database.receipt(backup.survey_id)
    database.execute("update responses set status = 'valid', exclude_reason = null where id = 3")
    _recount(database)
    backup.restore(lines_after=backup.lines)  # the backup holds neither the upgrade nor that exclusion
    backup.upgrade()
    problems = database.check_receipt(receipt)
    assert problems[0] == f"audit log: the receipt holds {backup.lines + 2} line(s); 1 missing", problems
    assert problems[1].endswith("give 3 and 1 (audit lines it covers are missing, see above)"), problems
