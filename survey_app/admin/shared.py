"""What the evaluators' page modules share beyond auth.py: the questionnaire a survey was created with and
the evaluator who acts (whose name the audit lines and review decisions carry)."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from .. import questionnaires
from ..store import get_store

STATUS_ENDPOINT = "admin.surveys.set_status"  # 恢复此项目: the one change a deleted survey takes


def survey_questionnaire(survey: dict):
    """The survey's questionnaire version (a friendly 503 page when its file is gone: see web.py)."""
    return questionnaires.catalogue().for_survey(survey)


def acting_user() -> str:
    """The logged-in evaluator's username (pages behind login_required only)."""
    return g.current_user["username"]


def refuse_changes_to_deleted():
    """Before every evaluator POST on a survey (admin/__init__.py): a deleted survey (status archived) takes no
    change but 恢复此项目 — its settings, points, exclusions and weighting stay as they were when it was deleted."""
    survey_id = (request.view_args or {}).get("survey_id")
    if request.method != "POST" or survey_id is None or request.endpoint == STATUS_ENDPOINT or not g.get("current_user"):
        return None
    survey = get_store().get_survey(survey_id)
    if survey is None or survey["status"] != "archived" or not get_store().can_see(g.current_user["id"], survey_id):
        return None  # the view answers as it would (404 for a survey one may not see)
    flash("此项目已删除，未作任何修改：如需修改，请先点击“恢复此项目”。", "error")
    return redirect(url_for("admin.surveys.dashboard", survey_id=survey_id))
