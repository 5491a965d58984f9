"""The respondent page of every questionnaire fits one round trip (≤ 14 KB gzipped), makes no
external request, and is elder-friendly in its CSS (text ≥ 18 px, options ≥ 48 px high)."""
import gzip
import re
from pathlib import Path

import pytest

from survey_app import REPO_QUESTIONNAIRES, questionnaires

BUDGET = 14 * 1024
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FILES = sorted(REPO_QUESTIONNAIRES.glob("*.toml"))


@pytest.fixture(params=[p.name for p in FILES])
def page(request, app, client, database):
    """(questionnaire, {language: respondent page HTML}) for one questionnaire file."""
    q = questionnaires.load(REPO_QUESTIONNAIRES / request.param)
    survey_id = database.create_survey(questionnaire_id=q.id, questionnaire_version=q.version, title=str(q.title))
    code = database.add_point(survey_id, "业务大厅")["code"]
    pages = {}
    for lang in q.languages:
        response = client.get(f"/s/{code}" + ("" if lang == "zh-CN" else f"?lang={lang}"))
        assert response.status_code == 200
        pages[lang] = response.get_data(as_text=True)
    return q, pages


def gzipped_size(html: str) -> int:
    return len(gzip.compress(html.encode("utf-8"), compresslevel=6))


def test_questionnaires_are_found():
    assert len(FILES) >= 5, FILES  # Yining + window, staff, designated institutions, benefit recipients


def test_first_load_fits_in_14_kb_gzipped(page, record_property):
    q, pages = page
    sizes = {lang: gzipped_size(html) for lang, html in pages.items()}
    record_property("gzipped_bytes", sizes)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"page-size-{q.id}@{q.version}.txt").write_text(
        ", ".join(f"{lang} {n} B gzipped ({len(pages[lang].encode())} B raw)" for lang, n in sizes.items()) + "\n",
        encoding="utf-8")
    print(f"{q.key}: gzipped sizes {sizes} (budget {BUDGET})")
    assert sizes["zh-CN"] <= BUDGET, f"{q.key}: first load is {sizes['zh-CN']} B gzipped, budget {BUDGET} B"
    assert max(sizes.values()) <= BUDGET, f"{q.key}: {sizes}"  # switching language stays in budget too


def test_page_makes_no_external_request(page):
    _, pages = page
    for html in pages.values():
        assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
        assert not re.search(r"<link[^>]*\bstylesheet\b", html, re.I)
        assert not re.search(r"<(img|iframe|video|audio|source|embed|object)\b", html, re.I)
        assert not re.search(r"""\b(src|href|action|srcset|poster)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
        assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", html, re.I)
        assert not re.search(r"@import", html, re.I)
        assert re.search(r'<form method="post" action="">', html)  # posts back to the same page


def css_rules(html: str) -> dict[str, dict[str, str]]:
    """selector -> {property: value} for the inline <style> (top-level rules; later ones win)."""
    [css] = re.findall(r"<style[^>]*>(.*?)</style>", html, re.S)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@[^{]+\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)  # @media blocks are not the baseline
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = dict((k.strip().lower(), v.strip()) for k, _, v in
                            (d.partition(":") for d in body.split(";") if ":" in d))
        for selector in selectors.split(","):
            rules.setdefault(selector.strip(), {}).update(declarations)
    return rules


def font_px(declarations: dict[str, str]) -> float | None:
    """The font size in px from font-size or the font shorthand ("19px/1.6 system-ui, ...")."""
    if "font-size" in declarations:
        m = re.fullmatch(r"([\d.]+)px", declarations["font-size"])
        return float(m.group(1)) if m else None
    m = re.search(r"(?:^|\s)([\d.]+)px(?:/|\s)", declarations.get("font", ""))
    return float(m.group(1)) if m else None


def px(value: str | None) -> float:
    m = re.fullmatch(r"([\d.]+)px", value or "")
    return float(m.group(1)) if m else 0.0


def test_css_parser_reads_what_the_checks_rely_on():
    rules = css_rules('<style>body{font:19px/1.6 a,b} .x,.y{min-height:50px;font-size:18px}</style>')
    assert font_px(rules["body"]) == 19 and font_px(rules[".y"]) == 18 and px(rules[".x"]["min-height"]) == 50


def test_text_is_large_and_options_are_big_tap_targets(page):
    _, pages = page
    rules = css_rules(pages["zh-CN"])
    assert font_px(rules["body"]) >= 18, rules["body"]
    assert px(rules[".opt"].get("min-height")) >= 48, rules[".opt"]
    assert px(rules["button"].get("min-height")) >= 48, rules["button"]
    assert px(rules[".opt input"].get("width")) >= 24 and px(rules[".opt input"].get("height")) >= 24
    small = {sel: font_px(d) for sel, d in rules.items() if font_px(d) is not None and font_px(d) < 18}
    assert not small, f"text below 18 px: {small}"
    # every option is a whole-row label around its input, so the whole row is the tap target
    html = pages["zh-CN"]
    inputs = re.findall(r'<input type="(?:radio|checkbox)"', html)
    labelled = re.findall(r'<label class="opt"><input type="(?:radio|checkbox)"[^>]*>[^<]+</label>', html)
    assert inputs and len(labelled) == len(inputs)
