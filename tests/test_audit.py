"""Every evaluator action and its audit-log line are one transaction: both are stored or neither
(db.Audit). The log is broken on purpose here (its table renamed) to show that a change whose line
cannot be written is not made."""
import sqlite3

import pytest

from survey_app import db


@pytest.fixture
def broken_log(database):
    database.execute("alter table audit_log rename to audit_log_away")
    yield
    database.execute("alter table audit_log_away rename to audit_log")


def test_settings_grants_and_new_surveys_are_logged_with_their_change(database, yining, evaluator):
    survey_id, _ = yining
    db.update_survey(database, survey_id, status="closed", audit=db.Audit("wang", "closed"))
    assert not db.revoke(database, evaluator, survey_id, audit=db.Audit("cli", "revoke", "never granted"))
    db.grant(database, evaluator, survey_id, audit=db.Audit("cli", "grant", "access for wang"))
    db.grant(database, evaluator, survey_id, audit=db.Audit("cli", "grant", "again"))  # nothing changed: no line
    db.revoke(database, evaluator, survey_id, audit=db.Audit("cli", "revoke", "access of wang ended"))
    db.grant(database, evaluator, survey_id)  # no audit given: none written
    new_id = db.create_survey_for(database, evaluator, questionnaire_id="yining-2024-public",
                                  questionnaire_version=1, title="新项目", audit=db.Audit("wang", "create", "新项目"))
    assert [(e["user"], e["action"], e["detail"]) for e in db.audit_entries(database, survey_id)] == [
        ("wang", "closed", ""), ("cli", "grant", "access for wang"), ("cli", "revoke", "access of wang ended")]
    assert [e["action"] for e in db.audit_entries(database, new_id)] == ["create"]


def test_a_change_whose_log_line_cannot_be_written_is_not_made(database, yining, evaluator, broken_log):
    survey_id, _ = yining
    with pytest.raises(sqlite3.OperationalError):
        db.update_survey(database, survey_id, status="closed", audit=db.Audit("wang", "closed"))
    assert db.get_survey(database, survey_id)["status"] == "open"
    with pytest.raises(sqlite3.OperationalError):
        db.grant(database, evaluator, survey_id, audit=db.Audit("cli", "grant"))
    assert not db.can_see(database, evaluator, survey_id)
    surveys = len(db.list_surveys(database))
    with pytest.raises(sqlite3.OperationalError):
        db.create_survey_for(database, evaluator, questionnaire_id="yining-2024-public", questionnaire_version=1,
                             title="x", audit=db.Audit("wang", "create"))
    assert len(db.list_surveys(database)) == surveys
