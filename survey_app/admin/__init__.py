"""Evaluators' pages, all under /admin: one parent blueprint ``admin`` holding auth.py (log in and out,
change password: admin.auth.*), surveys.py (set-up, collection points, the dashboard: admin.surveys.*),
paper.py (录入纸质问卷: admin.surveys.paper), members.py (项目成员: admin.surveys.members), review.py (data-quality review: admin.review.*) and the downloads in reports/views.py (admin.reports.*);
shared.py: what the page modules share (the survey's questionnaire, the evaluator who acts).
Their one error page and the loading of the logged-in evaluator are registered here, once, for all of
them. Citizens' pages are in respondent/."""
from __future__ import annotations

from flask import Blueprint
from werkzeug.exceptions import HTTPException

from . import auth, bulk, compare, kiosks, members, paper, points, review, surveys  # bulk, kiosks, members, paper and points add routes to review's and surveys' blueprints
from . import shared, weighting


def init_app(app) -> None:
    """Register the evaluators' pages on ``app``. The parent is built per app (a blueprint takes no new
    children once registered); the children are the modules' own blueprints."""
    from ..reports import views as downloads  # it imports admin.auth: loaded when an app is built

    parent = Blueprint("admin", __name__, url_prefix="/admin")
    parent.before_request(auth.load_user)
    parent.before_request(shared.refuse_changes_to_deleted)
    parent.register_error_handler(HTTPException, auth.admin_error)
    for child in (auth.bp, surveys.bp, compare.bp, review.bp, weighting.bp, downloads.bp):
        parent.register_blueprint(child)
    app.register_blueprint(parent)
