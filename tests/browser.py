"""What every browser test shares: Debian's Chromium (headless) through Playwright, the marks that skip the
tests where it is absent, the screenshot folder, and an evaluator's Yining survey with its 50 answers."""
from pathlib import Path

import pytest

from survey_app.admin.auth import hash_password
from tests.live import add_yining
from tests.yining import yining_rows

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
USER, PASSWORD = "wang", "browser-test-password"  # the evaluator of evaluator_yining

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is absent: install Debian's chromium (make test does) to run the browser tests"),
]


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module (imported by the modules that use it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def screenshot(page, name: str) -> None:
    """A full-page screenshot in tests/artifacts/ for a human look."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def logged_in(chromium, server, **context_options):
    """A desktop page of a new browser context, logged in as USER through the real login form."""
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", **context_options)
    page = context.new_page()
    page.goto(f"{server.url}/admin/login")
    page.fill("#username", USER)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    return page


def evaluator_yining(conn, key_prefix: str, *, seconds=lambda i: 75, device=lambda i: f"phone-{i}") -> dict:
    """The Yining survey with its 50 answers split over two points (30 at the hall, 20 at the window) and the
    evaluator USER granted it; ``seconds`` and ``device`` give answer i's seconds on page and phone."""
    made = add_yining(conn)
    survey_id, (hall, window) = made["survey_id"], made["codes"]
    points = {p["code"]: p["id"] for p in conn.list_points(survey_id)}
    for i, row in enumerate(yining_rows()):
        conn.save_response(survey_id=survey_id, point_id=points[hall if i < 30 else window],
                           questionnaire_version=1, submission_key=f"{key_prefix}-{i}", answers=sorted(row.items()),
                           seconds_on_page=seconds(i), language="zh-CN", device_hash=device(i))
    made["user_id"] = conn.create_user(USER, hash_password(PASSWORD))
    conn.grant(made["user_id"], survey_id)
    return made
