"""The evaluators' pages name the evaluator who acts, and read the survey's questionnaire, through one shared
helper (survey_app/admin/shared.py): the collection points' pages (points.py) as the survey pages do."""
import html
import re

from tests.admin_helpers import EVALUATOR, post_form


def test_a_point_added_on_the_dashboard_is_audited_under_the_evaluators_name(admin_client, database, yining):
    survey_id = yining[0]
    dashboard = f"/admin/surveys/{survey_id}"
    response = post_form(admin_client, dashboard, f"{dashboard}/points", {"name": "3号窗口"})
    assert response.status_code == 302
    added = [(e["user"], e["detail"]) for e in database.audit_entries(survey_id) if e["action"] == "add_point"]
    assert added[-1] == (EVALUATOR, "3号窗口")


def test_a_points_poster_carries_the_surveys_questionnaire_invitation(admin_client, database, yining, app):
    from survey_app import qr, questionnaires
    survey_id = yining[0]
    survey = database.get_survey(survey_id)
    with app.app_context():
        invitation = str(questionnaires.catalogue().for_survey(survey).invitation)
    point = database.list_points(survey_id)[0]
    page = admin_client.get(f"/admin/surveys/{survey_id}/points/{point['id']}/poster")
    shown = html.unescape(re.sub(r"<[^>]+>", "", page.get_data(as_text=True)))  # the line is in two phrases' spans
    line = qr.invitation_line(invitation)   # '…填写大约需要 2 分钟…': read from the survey's questionnaire
    assert "2 分钟" in line and page.status_code == 200 and line in shown
