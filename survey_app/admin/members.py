"""项目成员: who may see a survey, and its members adding a colleague's account or removing one, in the browser
(the operator's ``manyi grant`` / ``manyi revoke`` do the same on the server). Every change goes through
store.grant / store.revoke with the acting evaluator's name, so it is a line of the survey's chain and shows in
the review page's 审核日志. An evaluator cannot remove themselves (a colleague can), so a survey always keeps a
member. The routes are on surveys.py's blueprint (admin.surveys.*), as a survey's own pages."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from ..store import NotAMember, get_store, is_row_id
from .auth import login_required, survey_or_404
from .forms import at_most
from .shared import acting_user
from .surveys import bp


class AddMemberForm(FlaskForm):
    username = StringField("添加成员（用户名）", validators=[DataRequired("请输入同事的用户名。"), at_most(64)],
                           filters=[lambda value: value.strip() if isinstance(value, str) else value])


class RemoveMemberForm(FlaskForm):
    """移除 beside a member: the CSRF token only (the member is in the URL)."""


def _members_page(survey: dict, form: AddMemberForm | None = None, status: int = 200):
    members = get_store().survey_members(survey["id"])
    return render_template("admin/members.html", survey=survey, members=members.shown, withheld=members.withheld,
                           form=form or AddMemberForm(formdata=None), remove_form=RemoveMemberForm(),
                           me=g.current_user["id"]), status


@bp.get("/surveys/<int:survey_id>/members")
@login_required
def members(survey_id):
    return _members_page(survey_or_404(survey_id))


@bp.post("/surveys/<int:survey_id>/members")
@login_required
def add_member(survey_id):
    """Grant the survey to an existing, enabled account, by its username."""
    survey = survey_or_404(survey_id)
    form = AddMemberForm()
    if not form.validate_on_submit():
        return _members_page(survey, form, 400)
    username = form.username.data
    user = get_store().user_by_name(username)
    if user is None:
        form.username.errors.append(f"没有用户名为“{username}”的账户，请核对拼写（区分大小写）。同事还没有账户时，"
                                    "请管理员在服务器上运行 manyi create-user 用户名 创建。")
        return _members_page(survey, form, 400)
    if user["disabled_at"] is not None:
        form.username.errors.append(f"账户“{username}”已停用，不能添加为成员。如需恢复该账户，请联系管理员"
                                    "（manyi enable-user）。")
        return _members_page(survey, form, 400)
    if not get_store().account_as_recorded(username):  # added or changed in the database: it cannot log in either
        form.username.errors.append(f"账户“{username}”的数据在 Manyi 之外被修改过（与账户审计记录不符），不能添加为成员。"
                                    "请联系系统管理员运行 manyi verify 核查。")
        return _members_page(survey, form, 400)
    try:  # an account already a member: False, nothing written
        added = get_store().grant(user["id"], survey_id, by=acting_user(), actor=g.current_user["id"])
    except NotAMember:  # removed by a colleague since this page was drawn: as survey_or_404 now answers
        abort(404)
    flash(f"已添加成员“{username}”：其登录后即可在项目列表中看到本项目。" if added
          else f"“{username}”已是本项目成员，未作更改。")
    return redirect(url_for(".members", survey_id=survey_id))


@bp.post("/surveys/<int:survey_id>/members/<int:user_id>/remove")
@login_required
def remove_member(survey_id, user_id):
    """End another member's access (at their next page). Not one's own: a colleague removes them."""
    survey_or_404(survey_id)
    if not RemoveMemberForm().validate_on_submit():
        abort(400)
    member = next((m for m in get_store().survey_members(survey_id).shown if m["user_id"] == user_id), None)
    if user_id == g.current_user["id"]:
        flash("不能将自己移出本项目：如需退出，请另一位项目成员在本页将您移除（项目始终至少保留一位成员）。", "error")
    elif member is None or not is_row_id(user_id):
        flash("该账户已不是本项目成员（可能刚被其他成员移除），未作更改。", "error")
    else:
        try:
            removed = get_store().revoke(user_id, survey_id, by=acting_user(), actor=g.current_user["id"])
        except NotAMember:  # removed by a colleague since this page was drawn: as survey_or_404 now answers
            abort(404)
        flash(f"已移除成员“{member['username']}”：其下次打开页面起不能再查看本项目。" if removed
              else f"“{member['username']}”已不是本项目成员，未作更改。", "message" if removed else "error")
    return redirect(url_for(".members", survey_id=survey_id))
