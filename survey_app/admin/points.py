"""The survey's collection points: add one, download its QR code or A4 poster, and the 采集点 page where each
point's name, 发放份数 and 办件量 are kept (one form, one 保存). The routes are on surveys.py's blueprint
(admin.surveys.*), as a survey's own pages."""
from __future__ import annotations

import io
from urllib.parse import quote

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for

from .. import fieldwork, qr
from ..safetext import file_name
from ..store import Audit, PointNameTaken, get_store, is_row_id, same_name
from .auth import login_required, survey_or_404
from .forms import PointForm, PointsFieldworkForm
from .shared import acting_user, survey_questionnaire
from .surveys import bp

POSTER_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
              "frame-ancestors 'none'; base-uri 'none'")


@bp.post("/surveys/<int:survey_id>/points")
@login_required
def add_point(survey_id):
    survey_or_404(survey_id)
    form = PointForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        known = {p["name"] for p in get_store().list_points(survey_id)}
        point = get_store().add_point(survey_id, name, audit=Audit(acting_user(), "add_point", name))
        if point["name"] != name:
            flash(f"已有名称相近的采集点“{point['name']}”（仅空格、全角半角或大小写不同，编码 {point['code']}），"
                  "未重复添加。")
        else:
            flash(f"采集点“{point['name']}”已存在（编码 {point['code']}），未重复添加。" if name in known
                  else f"采集点“{point['name']}”已添加，编码 {point['code']}。")
    else:
        for errors in form.errors.values():
            flash("；".join(errors), "error")
    return redirect(url_for(".dashboard", survey_id=survey_id) + "#points")


@bp.get("/surveys/<int:survey_id>/points/<int:point_id>/<any(png, svg, poster):kind>")
@login_required
def point_qr(survey_id, point_id, kind):
    survey = survey_or_404(survey_id)
    point = get_store().get_point(survey_id, point_id) if is_row_id(point_id) else None
    if point is None:
        abort(404)
    url = qr.point_url(current_app.config["PUBLIC_BASE_URL"], point["code"])
    if kind == "poster":
        page = qr.poster_html(survey["title"], point["name"], point["code"], url,
                              evaluator=survey.get("evaluator_org") or "", invitation=str(survey_questionnaire(survey).invitation))
        return page, 200, {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": POSTER_CSP}
    data, mimetype = (qr.png_bytes(url), "image/png") if kind == "png" else (qr.svg_bytes(url), "image/svg+xml")
    name = f"{file_name(point['name'])}-{point['code']}.{kind}"
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    # an old browser's ASCII name says what it is ("-9a2za84n.png" was all that was left of 业务大厅-9a2za84n.png)
    response.headers["Content-Disposition"] = (f'attachment; filename="manyi-point-{point["code"]}.{kind}";'
                                               f" filename*=UTF-8''{quote(name)}")
    return response


def _points_page(survey: dict, form: PointsFieldworkForm | None = None, status: int = 200, new_kiosk: dict | None = None):
    """The 采集点 page: one form with every point's fieldwork record (``form``: as posted, with its errors)
    and the rates they give; each point's hall tablets (kiosks.py; ``new_kiosk``: one just made, shown once)."""
    database = get_store()
    points = database.list_points(survey["id"])
    form = form or PointsFieldworkForm(points, formdata=None)
    work = fieldwork.fieldwork(database, survey["id"], database.point_counts(survey["id"]))
    tablets = {}
    for kiosk in database.active_kiosks(survey["id"]):
        tablets.setdefault(kiosk["point_id"], []).append(kiosk)
    return render_template("admin/points.html", survey=survey, form=form, fieldwork=work, points=points,
                           tablets=tablets, new_kiosk=new_kiosk), status


@bp.get("/surveys/<int:survey_id>/points")
@login_required
def points(survey_id):
    return _points_page(survey_or_404(survey_id))


@bp.post("/surveys/<int:survey_id>/points/fieldwork")
@login_required
def points_fieldwork(survey_id):
    """Save every point's name, 发放份数 and 办件量 (blank: not known) at once; a bad value anywhere saves nothing.
    A renamed point keeps its code, so its printed QR codes still work; pages and files show the new name."""
    survey = survey_or_404(survey_id)
    database = get_store()
    form = PointsFieldworkForm(database.list_points(survey_id))
    valid = {p["id"]: p["valid"] for p in database.point_counts(survey_id)}
    ok = form.validate_on_submit()
    for point, row, sent in form.rows:
        if sent and row.validate() and row.served.data is not None and row.served.data < valid.get(point["id"], 0):
            row.served.errors.append(f"填写的 {row.served.data} 件少于该采集点已有的有效问卷（{valid[point['id']]} 份）："
                                     "每份有效问卷都来自一次办件，请核对后重新填写；不知道可留空。")  # 0: no 分层估计
    _alike_names(form.rows)
    if not ok or any(sent and any(field.errors for field in row) for _, row, sent in form.rows):
        return _points_page(survey, form, 400)
    try:
        changed = database.set_points_fieldwork(survey_id, {p["id"]: (row.issued.data, row.served.data)
                                                            for p, row, sent in form.rows if sent},
                                                names={p["id"]: row.name.data for p, row, sent in form.rows if sent},
                                                actor=acting_user())
    except PointNameTaken:  # another evaluator's rename since this page was checked: nothing saved
        flash("尚未保存：刚有人把另一采集点改成了相同的名称，请核对名称后再点“保存”。", "error")
        return _points_page(survey, form, 409)
    flash(f"已保存：{_fieldwork_changes(changed)}。" if changed else "名称、发放份数与办件量没有改动。")
    return redirect(url_for(".points", survey_id=survey_id))


def _alike_names(rows) -> None:
    """Put an error beside each changed name that reads the same as another point's name (store.same_name):
    two points of one survey must be told apart on every page and file."""
    final = [row.name.data if sent else point["name"] for point, row, sent in rows]
    for i, (point, row, sent) in enumerate(rows):
        if not sent or not final[i] or final[i] == point["name"]:
            continue
        other = next((n for j, n in enumerate(final) if j != i and n and same_name(n, final[i])), None)
        if other is not None:
            row.name.errors.append(f"与另一采集点“{other}”同名（空格、全角半角或大小写不同也算同名），请改用可区分的名称。")


def _fieldwork_changes(changed: list[dict]) -> str:
    """'业务大厅 → 政务服务大厅；1号窗口 办件量 120 → 100，发放份数 — → 30', as the flash names what was saved."""
    def shown(value) -> str:
        return "—" if value is None else str(value)

    def one(c: dict) -> str:
        counts = "，".join(f"{label} {shown(c[key + '_before'])} → {shown(c[key])}"
                          for key, label in (("issued", "发放份数"), ("served", "办件量")) if c[key + "_before"] != c[key])
        renamed = f"{c['name_before']} → {c['name']}" if c["name_before"] != c["name"] else c["name"]
        return renamed + (f" {counts}" if counts else "")
    return "；".join(one(c) for c in changed)
