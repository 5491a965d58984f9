"""Page weight: gzipped bytes of the first load of every shipped questionnaire's respondent page (each
language), and the number of further requests the page makes. Goal ≤ 6 KB and 0.

Run:  .venv/bin/python bench/bench_page_weight.py [--no-write]

The page is fetched in-process (Flask test client) exactly as a phone gets it on first load (no
cookies). gzip level 6 (the usual server default; nginx's default level 1 gives slightly more bytes,
also shown). Further requests: stylesheets, scripts, images, fonts, frames, CSS url()/@import; the
language links are navigation, not loads.
"""
from __future__ import annotations

import gzip
import re
import sys
import tempfile
from pathlib import Path

from common import machine, bench_parser, finish  # noqa: E402

from survey_app import REPO_QUESTIONNAIRES, create_app, questionnaires  # noqa: E402
from survey_app.store import EXTENSION  # noqa: E402

GOAL = 6 * 1024
LOADS = [r"<script\b[^>]*\bsrc=", r"<link\b[^>]*\bhref=", r"<img\b[^>]*\bsrc=", r"<iframe\b", r"<source\b",
         r"<video\b[^>]*\bsrc=", r"<audio\b[^>]*\bsrc=", r"<embed\b", r"<object\b", r"url\(", r"@import"]


def further_requests(html: str) -> int:
    return sum(len(re.findall(p, html, re.I)) for p in LOADS)


def measure() -> list[dict]:
    tmp = Path(tempfile.mkdtemp(prefix="manyi-bench-page-"))
    app = create_app({"SECRET_KEY": "bench", "DATABASE": str(tmp / "page.sqlite3")})
    store = app.extensions[EXTENSION]  # the app's own store
    rows = []
    try:
        for path in sorted(REPO_QUESTIONNAIRES.glob("*.toml")):
            q = questionnaires.load(path)
            survey_id = store.create_survey(questionnaire_id=q.id, questionnaire_version=q.version, title=str(q.title))
            code = store.add_point(survey_id, "业务大厅")["code"]
            for lang in q.languages:
                response = app.test_client().get(f"/s/{code}" + ("" if lang == "zh-CN" else f"?lang={lang}"))
                assert response.status_code == 200, (path.name, lang, response.status_code)
                body = response.get_data()
                head = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
                rows.append({"file": path.name, "lang": lang, "questions": len(q.questions), "raw": len(body),
                             "gzip6": len(gzip.compress(body, 6)), "gzip1": len(gzip.compress(body, 1)),
                             "headers": head, "requests": further_requests(body.decode())})
    finally:
        store.close()
    return rows


def section(rows: list[dict]) -> str:
    worst = max(rows, key=lambda r: r["gzip6"])
    lines = [
        "## Page weight: the respondent page, first load",
        "",
        "`bench/bench_page_weight.py`: every shipped questionnaire in every language it offers, fetched as a phone's "
        "first load (no cookies). Bytes are the HTML body (CSS inline); gzip level 6, level 1 alongside. "
        f"Goal: ≤ 6 KB (6,144 B) gzipped and 0 further requests. Response headers add about {worst['headers']:,} B "
        "uncompressed (CSP, cookies).",
        "",
        "| questionnaire | language | questions | raw B | gzip -6 B | gzip -1 B | further requests | goal |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        ok = r["gzip6"] <= GOAL and r["requests"] == 0
        lines.append(f"| {r['file']} | {r['lang']} | {r['questions']} | {r['raw']:,} | {r['gzip6']:,} | {r['gzip1']:,} "
                     f"| {r['requests']} | {'met' if ok else 'missed'} |")
    lines += ["", f"Heaviest: {worst['file']} ({worst['lang']}), {worst['gzip6']:,} B gzipped "
              f"= {worst['gzip6'] / GOAL:.0%} of the 6 KB goal.", "", machine(("flask", "jinja2"))]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = bench_parser(__doc__)
    args = parser.parse_args(argv)
    text = section(measure())
    return finish("page-weight", text, args)


if __name__ == "__main__":
    sys.exit(main())
