"""Evaluators review data quality: flagged responses (speeders, straight-liners, repeated devices),
exclude or restore, each with a reason (never delete), and the audit log. Flags are computed in SQL for
one page at a time (keyset pagination), so the page stays fast with a million responses."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from .. import flags as review_flags
from .. import results
from ..reports import raw, wording
from ..store import get_store, is_row_id
from .auth import login_required, survey_or_404
from .forms import ReviewForm
from .shared import acting_user, survey_questionnaire

bp = Blueprint("review", __name__, url_prefix="/surveys/<int:survey_id>/responses")
PAGE_SIZE = 50
FLAGS = review_flags.LABELS
FILTERS = {"": "全部", "any": "有任一标记", "none": "无标记", **FLAGS}
STATUSES = {"": "全部", **raw.RESPONSE_STATUS_LABELS}
ACTIONS = {"exclude": "剔除", "restore": "恢复", "create": "创建项目", "settings": "修改设置",
           "open": "开放收集", "closed": "结束收集", "archived": "删除项目", "unarchive": "恢复项目", "grant": "授予查看权限", "revoke": "取消查看权限",
           "compare": "与上年度比较", "add_point": "添加采集点", "state": "记录全部设置", "chain_start": "启用密钥链",
           "keyed_record_v2": "密钥记录升级", "fieldwork": "采集点发放份数与办件量",
           "population_margins": "总体构成（加权）", "copy": "数据库迁移",
           "secret_key": "更换服务器密钥", "rename_point": "修改采集点名称", "questionnaire_digest": "记录问卷摘要",
           "paper": "录入纸质问卷", "kiosk_on": "设置平板", "kiosk_off": "停用平板"}


def speeder_seconds(questionnaire) -> int:
    """Config SPEEDER_SECONDS, else max(15, 2 s × number of questions) (flags.speeder_seconds)."""
    return review_flags.speeder_seconds(current_app.config.get("SPEEDER_SECONDS"), questionnaire)


def review_limits() -> dict:
    """The 异常集中提交 threshold: a point taking more than BURST_PER_MINUTE submits in a minute."""
    return {"burst": review_flags.settings(current_app.config)["burst"]}


scale_items = review_flags.scale_items


def _page_args() -> dict:
    status = request.args.get("status", "")
    flag = request.args.get("flag", "")
    before = request.args.get("before", "")
    return {"status": status if status in STATUSES else "", "flag": flag if flag in FILTERS else "",
            "before": int(before) if before.isdigit() and is_row_id(int(before)) else None}


@bp.get("")
@login_required
def responses(survey_id):
    from . import bulk  # its routes are on this blueprint: it imports this module

    survey = survey_or_404(survey_id)
    q = survey_questionnaire(survey)
    args, threshold = _page_args(), speeder_seconds(q)
    rows = get_store().review_page(survey_id, threshold=threshold, scale_qids=scale_items(q),
                          status=args["status"] or None, flag=args["flag"] or None, before=args["before"],
                          limit=PAGE_SIZE + 1, **review_limits())
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    audit = get_store().audit_entries(survey_id)
    cards = results.counts(get_store(), survey_id)  # the four cards only: no need for the whole result
    chosen = review_flags.settings(current_app.config)
    return render_template(
        "admin/responses.html", survey=survey, q=q, rows=rows, args=args, more=more, threshold=threshold,
        answers=get_store().answers_for([r["id"] for r in rows]), flags=FLAGS, filters=FILTERS,
        statuses=STATUSES, actions=ACTIONS, form=ReviewForm(), audit=audit, question_ordinal=wording.question_ordinal,
        numbers=get_store().response_numbers(survey_id, [e["response_id"] for e in audit if e["response_id"]]),
        r=cards,
        flag_counts=review_flags.counts(get_store(), survey_id, q, chosen,
                                        straight=cards.returned <= chosen["straight_up_to"]).counts,
        bulk=bulk.preview(survey), bulk_form=bulk.BulkForm(formdata=None), points=get_store().list_points(survey_id),
        burst=review_limits()["burst"], bulk_flags=[("any", "有任一标记"), *FLAGS.items(), ("all", "全部问卷")])


@bp.post("/<int:response_id>")
@login_required
def set_status(survey_id, response_id):
    survey_or_404(survey_id)
    response = get_store().get_response(response_id) if is_row_id(response_id) else None
    if response is None or response["survey_id"] != survey_id:
        abort(404)
    form = ReviewForm()
    if not form.validate_on_submit() or form.action.data not in ("exclude", "restore"):
        abort(400)
    reason = (form.reason.data or "").strip()
    number = get_store().response_numbers(survey_id, [response_id])[response_id]  # 编号 within the survey
    if not reason:  # a restore too: the audit log says why a response counts again
        flash(f"{ACTIONS[form.action.data]}第 {number} 号问卷需要填写原因"
              + ("。" if form.action.data == "exclude" else "，如“复核后确认有效”。"), "error")
    else:
        status = "excluded" if form.action.data == "exclude" else "valid"
        if get_store().set_response_status(response_id, status=status, reason=reason, user=acting_user()):
            flash(f"第 {number} 号问卷已{ACTIONS[form.action.data]}。")
        else:  # already so (another evaluator, or a second tab): nothing changed, the first reason stands
            flash(f"第 {number} 号问卷原已是{'剔除' if status == 'excluded' else '有效'}状态，未作更改"
                  + ("（剔除原因仍为原来填写的）。" if status == "excluded" else "。"), "error")
    back = form.back.data or ""
    ok = back.startswith(url_for(".responses", survey_id=survey_id)) and "//" not in back
    return redirect(back if ok else url_for(".responses", survey_id=survey_id))
