"""The anchors file covers the account chain too (store/account_anchor.py): a rollback of the accounts to an
earlier genuine state (the newest account lines removed, the account and the chain's head put back as they
were, every MAC made with the key) passes `manyi verify` alone, and is named by `manyi verify --receipt` on an
anchors file that covered the removed lines; `manyi anchor` then refuses to append."""
import json

from survey_app.admin.auth import hash_password
from survey_app.store.chain import head_mac

PASSWORD = "first-long-password"


def _anchor(runner, path) -> str:
    result = runner.invoke(args=["anchor", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_an_account_chain_rolled_back_is_named_by_the_anchors(runner, database, yining, tmp_path):
    database.create_user("li", hash_password(PASSWORD))
    path = tmp_path / "anchors.jsonl"
    assert "Appended 1 receipt(s) and the account chain" in _anchor(runner, path)
    assert [line["format"] for line in _lines(path)] == ["manyi-receipt-1", "manyi-accounts-1"]
    assert "Appended 0 receipt(s) to" in _anchor(runner, path) and len(_lines(path)) == 2  # nothing moved
    before = database.query("select audit_id, hash, mac from accounts_head")[0]
    database.set_disabled("li", True, by="cli:ops")  # li left: disabled, a line of the account chain
    assert "Appended 0 receipt(s) and the account chain" in _anchor(runner, path)
    assert _lines(path)[-1]["accounts"]["head_id"] > before["audit_id"]

    # whoever holds the file and the key undoes it: the line removed, li enabled, the head put back
    database.execute("delete from audit_log where id > ? and survey_id is null", [before["audit_id"]])
    database.execute("update users set disabled_at = null where username = 'li'")
    database.execute("update accounts_head set audit_id = ?, hash = ?, mac = ?",
                     [before["audit_id"], before["hash"], before["mac"]])
    assert database.verify().ok  # an earlier genuine state: the chain alone cannot tell
    assert database.account_as_recorded("li")  # and li could log in again

    result = runner.invoke(args=["verify", "--receipt", str(path)])
    assert result.exit_code == 1
    assert "line 3 (account chain): the line holds 2 account line(s) up to line" in result.output
    assert "1 missing (removed or rolled back)" in result.output
    assert "line 2 (account chain)" not in result.output  # the older line still fits
    kept = path.read_text(encoding="utf-8")
    refused = runner.invoke(args=["anchor", str(path)])
    assert refused.exit_code == 1 and "nothing appended" in refused.output and "account chain:" in refused.output
    assert path.read_text(encoding="utf-8") == kept


def test_a_head_moved_back_over_kept_lines_and_an_altered_line_are_named(runner, database, yining, tmp_path):
    database.create_user("li", hash_password(PASSWORD))
    path = tmp_path / "anchors.jsonl"
    _anchor(runner, path)
    held = _lines(path)[-1]["accounts"]
    database.set_password("li", hash_password("a-second-long-password"))
    _anchor(runner, path)
    newest = _lines(path)[-1]["accounts"]["head_id"]
    head = database.query("select audit_id, hash from accounts_head")[0]
    assert head["audit_id"] == newest
    key = database._chain_key()  # the head moved back to the older line, its MAC made with the key
    database.execute("update accounts_head set audit_id = ?, hash = ?, mac = ?",
                     [held["head_id"], held["head"], head_mac(key, "accounts", 0, held["head_id"], held["head"])])
    problems = database.check_accounts_anchor(_lines(path)[-1])
    assert problems == [f"the account chain's head is at line {held['head_id']}, before the anchored line {newest}"
                        " (rolled back)"]
    forged = dict(_lines(path)[-1], accounts={**_lines(path)[-1]["accounts"], "lines": 99})
    assert database.check_accounts_anchor(forged) == [
        "the line's signature does not fit its content (the line was altered)"]


def test_no_account_line_before_there_is_an_account(runner, database, yining, tmp_path):
    path = tmp_path / "anchors.jsonl"
    assert "Appended 1 receipt(s) to" in _anchor(runner, path)
    assert [line["format"] for line in _lines(path)] == ["manyi-receipt-1"]
    result = runner.invoke(args=["verify", "--receipt", str(path)])
    assert result.exit_code == 0, result.output


def test_an_account_chain_removed_whole_then_restarted_is_named(runner, database, yining, tmp_path):
    """Each start records the accounts it finds when there is no account chain: the forged account is taken as
    found, and verify passes; the anchors' line of the account chain still names its missing lines."""
    database.create_user("li", hash_password(PASSWORD))
    database.set_disabled("li", True)
    path = tmp_path / "anchors.jsonl"
    _anchor(runner, path)
    database.execute("delete from audit_log where survey_id is null")
    database.execute("delete from accounts_head")
    database.execute("update users set disabled_at = null where username = 'li'")
    assert database.open_account_chain()  # the next start: the accounts as found
    assert database.verify().ok and database.account_as_recorded("li")
    result = runner.invoke(args=["verify", "--receipt", str(path)])
    assert result.exit_code == 1 and "line 2 (account chain): " in result.output, result.output
