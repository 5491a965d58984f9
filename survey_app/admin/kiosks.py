"""A hall's own tablet (平板, store/kiosks.py) on the 采集点 page: 设置平板 makes one for a point and shows its address
(/k/<token>) and QR code once, to open on the tablet; 停用 turns one off. Both are lines of the survey's audit chain.
The routes are on surveys.py's blueprint (admin.surveys.*), as the points' own."""
from __future__ import annotations

import base64

from flask import abort, current_app, flash, redirect, url_for

from .. import qr
from ..store import get_store, is_row_id
from .auth import login_required, survey_or_404
from .points import _points_page
from .shared import acting_user
from .surveys import bp


@bp.post("/surveys/<int:survey_id>/points/<int:point_id>/kiosk")
@login_required
def kiosk_on(survey_id, point_id):
    survey = survey_or_404(survey_id)
    point = get_store().get_point(survey_id, point_id) if is_row_id(point_id) else None
    if point is None:
        abort(404)
    kiosk_id, token = get_store().add_kiosk(survey_id, point_id, user=acting_user())
    url = qr.kiosk_url(current_app.config["PUBLIC_BASE_URL"], token)
    shown = {"id": kiosk_id, "point": point, "url": url,
             "qr": "data:image/svg+xml;base64," + base64.b64encode(qr.svg_bytes(url, size_mm=50)).decode()}
    page, status = _points_page(survey, new_kiosk=shown)  # the address is shown this once: never redirected to
    return page, status, {"Cache-Control": "no-store"}


@bp.post("/surveys/<int:survey_id>/points/kiosks/<int:kiosk_id>/off")
@login_required
def kiosk_off(survey_id, kiosk_id):
    survey_or_404(survey_id)
    if not is_row_id(kiosk_id):
        abort(404)
    try:
        done = get_store().revoke_kiosk(survey_id, kiosk_id, user=acting_user())
    except LookupError:
        abort(404)
    flash(f"平板 {kiosk_id} 号已停用：它的地址不再打开问卷，它提交的答卷按手机扫码的规则处理。" if done
          else f"平板 {kiosk_id} 号此前已停用。")
    return redirect(url_for(".points", survey_id=survey_id) + "#kiosks")
