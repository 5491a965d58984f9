"""QR codes and printable posters for collection points (pure functions: no SQL, no Flask).

Every point gets ``PUBLIC_BASE_URL/s/<code>`` as a PNG (for Word and chat), an SVG (for print
shops) and a self-contained A4 poster (HTML with the QR inline, opened in a browser and printed).
Error correction is level Q (25 %): a poster taped to a counter gets creased and smudged.
"""
from __future__ import annotations

import io
import math
import re
from pathlib import Path

import qrcode
from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from markupsafe import Markup
from qrcode.image.svg import SvgPathFillImage

from .safetext import printable

ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q
BORDER = 4  # the quiet zone the QR standard asks for, in modules
PNG_MIN_PIXELS = 1200  # 10 cm wide at 300 dpi: scans from about a metre away
SVG_SIZE_MM = 100
PNG_DPI = 300


def invitation_line(invitation: str = "") -> str:
    """The poster's line under the QR code, with the time the questionnaire's own invitation states ("填写大约需要
    2 分钟" gives "约 2 分钟"; none stated, none promised): the poster and the form never disagree."""
    minutes = re.search(r"(\d+)\s*分钟", invitation)
    return f"扫码填写满意度问卷，{f'约 {minutes.group(1)} 分钟，' if minutes else ''}匿名填写，不收集姓名和电话"


def point_url(base_url: str, code: str) -> str:
    """The respondent URL of a collection point, e.g. ``https://manyi.example.cn/s/k3m9x2pq``."""
    return f"{base_url.rstrip('/')}/s/{code}"


def kiosk_url(base_url: str, token: str) -> str:
    """A hall tablet's own address (store/kiosks.py), e.g. ``https://manyi.example.cn/k/<token>``: opened once on it."""
    return f"{base_url.rstrip('/')}/k/{token}"


def _qr(url: str, **options) -> qrcode.QRCode:
    q = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=BORDER, **options)
    q.add_data(url)
    q.make(fit=True)
    return q


def matrix(url: str) -> list[list[bool]]:
    """The QR modules for ``url`` including the quiet zone (True = dark), as every image draws them."""
    return _qr(url).get_matrix()


def png_bytes(url: str) -> bytes:
    """A black-on-white PNG of at least ``PNG_MIN_PIXELS`` pixels a side, tagged 300 dpi."""
    q = _qr(url)
    q.box_size = math.ceil(PNG_MIN_PIXELS / (q.modules_count + 2 * BORDER))
    buffer = io.BytesIO()
    q.make_image().save(buffer, format="PNG", dpi=(PNG_DPI, PNG_DPI))
    return buffer.getvalue()


def _svg(url: str) -> str:
    """One ``<path>`` on a white square; the viewBox counts modules (quiet zone included)."""
    return _qr(url, image_factory=SvgPathFillImage).make_image().to_string(encoding="unicode")


def svg_bytes(url: str, *, size_mm: int = SVG_SIZE_MM) -> bytes:
    """A standalone SVG document that prints ``size_mm`` wide."""
    svg = re.sub(r'width="[^"]*" height="[^"]*"', f'width="{size_mm}mm" height="{size_mm}mm"', _svg(url), count=1)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n").encode()


def _poster_template() -> Template:
    """poster.html, compiled afresh: 1.6 ms against the 9 ms of the poster's QR code, so no cache to keep."""
    return Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                       autoescape=select_autoescape(default=True), finalize=printable).get_template("poster.html")


def poster_html(survey_title: str, point_name: str, code: str, url: str, *, evaluator: str = "",
                invitation: str = "") -> str:
    """A printable A4 poster (one self-contained HTML page; the QR code is inline SVG); ``invitation`` is the
    questionnaire's (zh-CN), for the time it states."""
    svg = re.sub(r' width="[^"]*" height="[^"]*"', "", _svg(url), count=1)
    return _poster_template().render(
        survey_title=survey_title, point_name=point_name, code=code, url=url, evaluator=evaluator,
        invitation=invitation_line(invitation), qr_svg=Markup(svg))


def write_point_files(out_dir: str | Path, base_url: str, survey: dict, point: dict, *, invitation: str = "") -> list[Path]:
    """Write ``<code>.png``, ``<code>.svg`` and ``<code>-poster.html`` for one point; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    url = point_url(base_url, point["code"])
    files = {
        out / f"{point['code']}.png": png_bytes(url),
        out / f"{point['code']}.svg": svg_bytes(url),
        out / f"{point['code']}-poster.html": poster_html(
            survey["title"], point["name"], point["code"], url,
            evaluator=survey.get("evaluator_org") or "", invitation=invitation).encode(),
    }
    for path, content in files.items():
        path.write_bytes(content)
    return list(files)
