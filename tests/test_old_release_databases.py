"""Upgrade drill: a database made by an older release of Manyi, as that release left it (tests/data/manyi-<commit>.sql:
its `manyi demo`, 50 answers, then one answer excluded, the target set to 90 and a third point added with that
release's own code), run by this release: `manyi init-db` upgrades it (and keys its chains), verify passes, the
evaluator logs in with the old password, the dashboard, review and every download answer, a citizen's answer
is stored at the point added before the upgrade, and the figures are the old ones."""
import json
import sqlite3
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from survey_app import create_app
from survey_app.store import EXTENSION
from tests.admin_helpers import login
from tests.helpers import fill, manyi

DATA = Path(__file__).resolve().parent / "data"
# the release (git commit), the demo evaluator's password it printed
RELEASES = {"5a5fe63": "3i0PYAk5eKnx", "2b45fc1": "hvh489rmzmmI"}


@pytest.fixture(params=sorted(RELEASES))
def old_database(request, tmp_path):
    path = tmp_path / "manyi.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript((DATA / f"manyi-{request.param}.sql").read_text(encoding="utf-8"))
    conn.execute("pragma journal_mode = wal")  # as the old release's m001 left it
    conn.close()
    return str(path), RELEASES[request.param]


def test_a_database_from_an_older_release_upgrades_verifies_and_serves(old_database):
    path, password = old_database
    done = manyi("init-db", database=path)
    assert done.returncode == 0 and done.stdout.startswith("Database ready"), done.stdout + done.stderr
    done = manyi("verify", database=path)
    assert done.returncode == 0 and done.stdout.startswith("OK: 50 responses"), done.stdout + done.stderr
    listed = manyi("list-surveys", database=path).stdout
    assert "50 responses" in listed and "2号窗口" in listed

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": path, "SUBMISSION_MIN_SECONDS": 0})
    try:
        evaluator = app.test_client()

        def download(url):
            with evaluator.get(url) as response:  # a streamed file: closed once read
                assert response.status_code == 200, url
                return response.data
        assert login(evaluator, "demo", password).status_code == 302
        for page in ("/admin/", "/admin/surveys/1", "/admin/surveys/1/responses", "/admin/surveys/1/edit",
                     "/admin/surveys/1/points", "/admin/surveys/1/weighting", "/admin/surveys/1/c51"):
            assert evaluator.get(page).status_code == 200, page
        figures = json.loads(download("/admin/surveys/1/export/json"))
        assert figures["counts"]["excluded"] == 1 and figures["survey"]["target"] == 90.0
        annex = Document(BytesIO(download("/admin/surveys/1/export/docx-annex")))
        assert any("满意度" in p.text for p in annex.paragraphs)
        assert load_workbook(BytesIO(download("/admin/surveys/1/export/xlsx"))).sheetnames
        for kind in ("csv", "sav", "docx-c51", "receipt"):
            assert download(f"/admin/surveys/1/export/{kind}")

        store = app.extensions[EXTENSION]
        added = [p for p in store.list_points(1) if p["name"] == "2号窗口"][0]
        phone = app.test_client()
        form = phone.get(f"/s/{added['code']}").get_data(as_text=True)
        assert phone.post(f"/s/{added['code']}", data=fill(form)).status_code == 303
        assert store.verify().ok
    finally:
        app.extensions[EXTENSION].close()
    done = manyi("verify", database=path)
    assert done.returncode == 0 and done.stdout.startswith("OK: 51 responses"), done.stdout + done.stderr
