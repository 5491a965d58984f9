"""Every evaluator action and its audit-log line are one transaction: both are stored or neither
(Audit). The log is broken on purpose here (its table renamed) to show that a change whose line
cannot be written is not made."""
import sqlite3

import psycopg
import pytest

from survey_app.store import Audit

DATABASE_ERRORS = (sqlite3.OperationalError, psycopg.errors.UndefinedTable)  # the table is gone


@pytest.fixture
def broken_log(database):
    database.execute("alter table audit_log rename to audit_log_away")
    yield
    database.execute("alter table audit_log_away rename to audit_log")


def test_settings_grants_and_new_surveys_are_logged_with_their_change(database, yining, evaluator):
    survey_id, _ = yining
    database.update_survey(survey_id, status="closed", audit=Audit("wang", "closed"))
    assert not database.revoke(evaluator, survey_id, by="cli:ops")  # never granted: no line
    database.grant(evaluator, survey_id, by="cli:ops")
    database.grant(evaluator, survey_id, by="cli:ops")  # nothing changed: no line
    database.revoke(evaluator, survey_id, by="cli:ops")
    database.grant(evaluator, survey_id)  # no one named: the system's line, still written
    new_id = database.create_survey_for(evaluator, questionnaire_id="yining-2024-public",
                                  questionnaire_version=1, title="新项目", audit=Audit("wang", "create", "新项目"))
    assert [(e["user"], e["action"], e["detail"]) for e in database.audit_entries(survey_id)] == [
        ("system", "create", ""),  # every survey's chain opens with its creation (issue 13)
        ("system", "add_point", "业务大厅"), ("system", "add_point", "1号窗口"),  # its points are part of its state
        ("wang", "closed", ""), ("cli:ops", "grant", "wang"), ("cli:ops", "revoke", "wang"), ("system", "grant", "wang")]
    assert [(e["user"], e["action"], e["detail"]) for e in database.audit_entries(new_id)] == [
        ("wang", "create", "新项目"), ("wang", "grant", "wang")]  # its creator may see it: said in its chain


def test_a_change_whose_log_line_cannot_be_written_is_not_made(database, yining, evaluator, broken_log):
    survey_id, _ = yining
    with pytest.raises(DATABASE_ERRORS):
        database.update_survey(survey_id, status="closed", audit=Audit("wang", "closed"))
    assert database.get_survey(survey_id)["status"] == "open"
    with pytest.raises(DATABASE_ERRORS):
        database.grant(evaluator, survey_id, by="cli:ops")
    assert not database.query("select 1 from grants where user_id = ? and survey_id = ?", [evaluator, survey_id])
    surveys = len(database.list_surveys())
    with pytest.raises(DATABASE_ERRORS):
        database.create_survey_for(evaluator, questionnaire_id="yining-2024-public", questionnaire_version=1,
                             title="x", audit=Audit("wang", "create"))
    assert len(database.list_surveys()) == surveys
