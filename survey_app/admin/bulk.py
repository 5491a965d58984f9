"""Bulk review on the data-quality page (issue #13 item 2): choose responses by flag, point and time range,
see how many match, then exclude (剔除) or restore (恢复) them together with one reason (either needs one). Each
response is changed and audited one by one by the store (store/bulk.py); the count previewed must still hold when the
evaluator confirms, or nothing changes."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..safetext import clean_line
from ..store import get_store
from ..store.common import iso_time
from .auth import login_required, survey_or_404
from .review import bp, review_limits, scale_items, speeder_seconds
from .shared import acting_user, survey_questionnaire

CRITERIA = ("bflag", "bpoint", "bsince", "buntil")  # the query arguments of a selection
BULK_FLAGS = ("any", "speeder", "straight", "device", "burst", "all")


class BulkForm(FlaskForm):
    """The confirmation: the selection (as previewed), how many it held, the action and the one reason."""

    action = HiddenField(validators=[DataRequired()])
    reason = StringField("原因", filters=[clean_line],
                         validators=[Optional(), Length(max=300, message="原因请控制在 300 字以内。")])
    expected_valid = HiddenField()  # the counts previewed: the one for the action must still hold
    expected_excluded = HiddenField()
    bflag = HiddenField()
    bpoint = HiddenField()
    bsince = HiddenField()
    buntil = HiddenField()


class OutOfRange(ValueError):
    """A date the review cannot mean (before 2000 or after 2100), said as such."""


def _moment(text: str, *, end: bool) -> str | None:
    """A local date ("2024-08-13") or minute ("2024-08-13T10:40") as a stored UTC time text; a date's end
    is the next day's start. Raises ValueError for anything else."""
    text = text.strip()
    if not text:
        return None
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    if text[:4].isdigit() and not 2000 <= int(text[:4]) <= 2100:
        raise OutOfRange("时间应在 2000 年至 2100 年之间。")
    if len(text) == 10:
        moment = datetime.fromisoformat(text).replace(tzinfo=zone).timestamp() + (86400 if end else 0)
    else:
        moment = datetime.fromisoformat(text[:16]).replace(tzinfo=zone).timestamp()
    return iso_time(moment)


def criteria(values, survey_id: int) -> dict | None:
    """The selection in ``values`` (request.args or a posted form) as keywords for select_responses, or
    None when there is none or it is malformed (a message is flashed for a malformed one)."""
    flag = values.get("bflag", "")
    if flag not in BULK_FLAGS:
        if flag:
            flash("所选标记不在列表中，请重新选择。", "error")
        return None
    point = values.get("bpoint", "")
    points = {str(p["id"]) for p in get_store().list_points(survey_id)}
    try:
        since, until = _moment(values.get("bsince", ""), end=False), _moment(values.get("buntil", ""), end=True)
    except (ValueError, OverflowError, OSError) as e:
        flash(str(e) if isinstance(e, OutOfRange) else "时间格式不正确，请按“2024-08-13”或“2024-08-13T10:40”填写。", "error")
        return None
    if point and point not in points:
        flash("所选采集点不属于本项目，请重新选择。", "error")
        return None
    if since and until and until <= since:
        flash("结束时间早于开始时间，请核对所选时间段。", "error")
        return None
    return {"flag": None if flag == "all" else flag, "point_id": int(point) if point else None,
            "since": since, "until": until}


def _selected(survey: dict, chosen: dict, status: str) -> list[int]:
    q = survey_questionnaire(survey)
    return get_store().select_responses(survey["id"], threshold=speeder_seconds(q), scale_qids=scale_items(q),
                                        burst=review_limits()["burst"], status=status, **chosen)


SHOWN = 100  # numbers listed in a preview; a larger selection says how many more


def _numbers(survey_id: int, ids: list[int]) -> str:
    """'3、5、17' (their 编号, 第 N 份 as the table and the raw data number them), the first SHOWN and '等，共 N 份'."""
    first = sorted(ids)[:SHOWN]
    numbers = get_store().response_numbers(survey_id, first)
    listed = "、".join(str(numbers[rid]) for rid in first)
    return listed + (f" 等，共 {len(ids)} 份" if len(ids) > SHOWN else "")


def preview(survey: dict) -> dict | None:
    """For the review page: the selection in the query, how many valid and excluded responses it holds and their
    编号, so the evaluator sees which answers a 剔除 or 恢复 would change before confirming it."""
    chosen = criteria(request.args, survey["id"])
    if chosen is None:
        return None
    valid, excluded = _selected(survey, chosen, "valid"), _selected(survey, chosen, "excluded")
    return {"valid": len(valid), "excluded": len(excluded), "valid_numbers": _numbers(survey["id"], valid),
            "excluded_numbers": _numbers(survey["id"], excluded), "args": {k: request.args.get(k, "") for k in CRITERIA}}


@bp.post("/bulk")
@login_required
def bulk(survey_id):
    survey = survey_or_404(survey_id)
    form = BulkForm()
    chosen = criteria(request.form, survey_id)
    if not form.validate_on_submit() or form.action.data not in ("exclude", "restore") or chosen is None:
        return "", 400
    back = url_for(".responses", survey_id=survey_id, **{k: request.form.get(k, "") for k in CRITERIA}) + "#bulk"
    reason, done = (form.reason.data or "").strip(), "剔除" if form.action.data == "exclude" else "恢复"
    if not reason:  # a restore too, as a single one: the audit log says why each counts again
        flash(f"批量{done}需要填写原因，请在“原因”一栏填写后再操作。", "error")
        return redirect(back)
    ids = _selected(survey, chosen, "valid" if form.action.data == "exclude" else "excluded")
    expected = (form.expected_valid if form.action.data == "exclude" else form.expected_excluded).data
    if str(len(ids)) != expected:
        flash(f"符合条件的问卷数已变化（预览时 {expected} 份，现在 {len(ids)} 份），未作改动。请核对后再操作。", "error")
        return redirect(back)
    changed = get_store().set_statuses(ids, status="excluded" if form.action.data == "exclude" else "valid",
                                       reason=reason, user=acting_user())
    flash(f"已批量{done} {changed} 份问卷（原因：{reason}），每份均记入审核日志。")
    return redirect(back)
