"""What the evaluators' page modules share beyond auth.py: the questionnaire a survey was created with and
the evaluator who acts (whose name the audit lines and review decisions carry)."""
from __future__ import annotations

from flask import g

from .. import questionnaires


def survey_questionnaire(survey: dict):
    """The survey's questionnaire version (a friendly 503 page when its file is gone: see web.py)."""
    return questionnaires.catalogue().for_survey(survey)


def acting_user() -> str:
    """The logged-in evaluator's username (pages behind login_required only)."""
    return g.current_user["username"]
