"""A survey answers the questionnaire it was created with, as citizens read it: a file edited in place, or
another server's different copy under the same id@version, is refused (the try-later page, a line for the
evaluator, ``manyi questionnaires check``), never served and never used to read stored codes. Real files in
temporary folders, on SQLite and PostgreSQL."""
import os
import re
from pathlib import Path

import pytest

from survey_app import create_app, questionnaires
from survey_app.questionnaires import Catalogue, load
from survey_app.store import EXTENSION
from tests.admin_helpers import EVALUATOR, EVALUATOR_PASSWORD, login
from tests.helpers import NO_DEFENCES, fill

ORIGINAL = Path(__file__).parent.parent / "questionnaires" / "yining-2024-public.toml"
STAFF = "您对工作人员是否满意？"
OLD_TEXT = "【旧版】您对窗口服务态度是否满意？"  # the outside operator's edited copy


def old_text(text: str) -> str:
    assert STAFF in text
    return text.replace(STAFF, OLD_TEXT)


def comments_only(text: str) -> str:
    """Comments added and changed, blank lines and spaces around '=': nothing a citizen reads."""
    text = text.replace("# Verbatim from seed 000", "# 注释改过：Verbatim from seed 000")
    return "# 2025-01 整理格式，措辞未改\n\n" + text.replace('short = "医保局工作人员"', 'short   =   "医保局工作人员"   # 简称')


def folder(tmp_path: Path, name: str, edit=lambda text: text) -> Path:
    """A questionnaire folder holding (an edited copy of) the repository's yining-2024-public.toml."""
    directory = tmp_path / name
    directory.mkdir()
    (directory / ORIGINAL.name).write_text(edit(ORIGINAL.read_text(encoding="utf-8")), encoding="utf-8")
    return directory


def rewrite(path: Path, edit) -> None:
    """Edit a file in place, as an editor saves it (a later modification time)."""
    later = path.stat().st_mtime_ns + 10**9
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    os.utime(path, ns=(later, later))


@pytest.fixture
def start(database_url):
    """start(folder) -> a server (app) on the test's one database with that questionnaire folder."""
    url, started = database_url(), []

    def start_(directory: Path):
        app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": url,
                          "QUESTIONNAIRE_DIR": str(directory), **NO_DEFENCES})
        questionnaires.catalogue(app).RESCAN_SECONDS = -1  # the folder is looked at on every request
        started.append(app)
        return app
    yield start_
    for app in started:
        app.extensions[EXTENSION].close()


def create_survey(app, ref: str = "yining-2024-public") -> tuple[int, str]:
    """A survey made as an operator makes it (manyi create-survey) and its point: (survey id, point code)."""
    done = app.test_cli_runner().invoke(args=["create-survey", ref])
    assert done.exit_code == 0, done.output
    survey_id = int(re.match(r"Survey (\d+):", done.output).group(1))
    return survey_id, app.extensions[EXTENSION].add_point(survey_id, "业务大厅")["code"]


def answer(app, code: str):
    citizen = app.test_client()
    page = citizen.get(f"/s/{code}")
    assert page.status_code == 200, page.status_code
    return citizen.post(f"/s/{code}", data=fill(page.get_data(as_text=True)))


def evaluator(app, survey_id: int):
    from survey_app.admin.auth import hash_password

    store = app.extensions[EXTENSION]
    user = store.create_user(EVALUATOR, hash_password(EVALUATOR_PASSWORD))
    store.grant(user, survey_id)
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def stored(app) -> tuple:
    store = app.extensions[EXTENSION]
    return (store.response_count(), sorted(tuple(r.values()) for r in store.query("select * from answers")),
            sorted(tuple(r.values()) for r in store.query("select * from tallies")))


def assert_refused(app, code: str, posted_body: dict) -> None:
    """The citizen's form and submit on ``app`` get the polite try-later page; nothing is stored."""
    before = stored(app)
    citizen = app.test_client()
    for response in (citizen.get(f"/s/{code}"), citizen.post(f"/s/{code}", data=posted_body)):
        page = response.get_data(as_text=True)
        assert response.status_code == 503 and "服务暂时不可用" in page
        assert OLD_TEXT not in page and STAFF not in page
    assert stored(app) == before


def assert_explained(client, survey_id: int, recorded: str, found: str) -> None:
    for path in (f"/admin/surveys/{survey_id}", f"/admin/surveys/{survey_id}/export/csv"):
        page = client.get(path)
        text = page.get_data(as_text=True)
        assert page.status_code == 503, path
        line = next(line for line in text.splitlines() if "yining-2024-public@1" in line)
        assert recorded[:12] in line and found[:12] in line and recorded[:12] != found[:12]
        assert "恢复为创建项目时的内容" in line and "version = 2" in line


def test_a_server_with_an_edited_copy_serves_neither_the_form_nor_takes_answers(start, tmp_path):
    """The outside operator's case: several servers on one database, one started with an edited copy."""
    a = start(folder(tmp_path, "a"))
    survey_id, code = create_survey(a)
    recorded = a.extensions[EXTENSION].get_survey(survey_id)["questionnaire_digest"]
    assert recorded == load(ORIGINAL).digest
    assert answer(a, code).status_code == 303
    body = fill(a.test_client().get(f"/s/{code}").get_data(as_text=True))

    b = start(folder(tmp_path, "b", old_text))
    assert_refused(b, code, body)
    assert stored(a)[0] == 1
    assert answer(a, code).status_code == 303  # the server with the file as it was goes on as before
    found = load(tmp_path / "b" / ORIGINAL.name).digest
    assert_explained(evaluator(b, survey_id), survey_id, recorded, found)
    check = b.test_cli_runner().invoke(args=["questionnaires", "check"])
    assert check.exit_code == 1
    [line] = [line for line in check.output.splitlines() if line.startswith("CHANGED")]
    assert f"survey {survey_id}" in line and recorded[:12] in line and found[:12] in line and "version = 2" in line
    assert a.test_cli_runner().invoke(args=["questionnaires", "check"]).exit_code == 0


def test_editing_the_file_in_place_after_answers_were_collected_is_refused_until_it_is_restored(start, tmp_path):
    directory = folder(tmp_path, "q")
    app = start(directory)
    survey_id, code = create_survey(app)
    assert answer(app, code).status_code == 303
    body = fill(app.test_client().get(f"/s/{code}").get_data(as_text=True))
    before = stored(app)
    dashboard = evaluator(app, survey_id)
    assert dashboard.get(f"/admin/surveys/{survey_id}").status_code == 200

    rewrite(directory / ORIGINAL.name, old_text)
    assert_refused(app, code, body)
    assert stored(app) == before  # what was stored is all there
    assert_explained(dashboard, survey_id, load(ORIGINAL).digest, load(directory / ORIGINAL.name).digest)
    check = app.test_cli_runner().invoke(args=["questionnaires", "check"])
    assert check.exit_code == 1 and f"CHANGED survey {survey_id}" in check.output
    assert "1 survey(s), 1 whose questionnaire file is gone or changed" in check.output
    export = app.test_cli_runner().invoke(args=["export", str(survey_id), "--format", "csv",
                                                "--out", str(tmp_path / "out.csv")])
    assert export.exit_code == 1 and "restore the file as it was" in export.output
    assert not (tmp_path / "out.csv").exists()

    rewrite(directory / ORIGINAL.name, lambda text: ORIGINAL.read_text(encoding="utf-8"))  # put back as it was
    assert answer(app, code).status_code == 303 and stored(app)[0] == 2
    assert dashboard.get(f"/admin/surveys/{survey_id}").status_code == 200


def test_a_comment_or_layout_edit_changes_nothing(start, tmp_path):
    directory = folder(tmp_path, "q")
    app = start(directory)
    survey_id, code = create_survey(app)
    rewrite(directory / ORIGINAL.name, comments_only)
    assert (directory / ORIGINAL.name).read_bytes() != ORIGINAL.read_bytes()
    assert answer(app, code).status_code == 303
    assert evaluator(app, survey_id).get(f"/admin/surveys/{survey_id}").status_code == 200
    check = app.test_cli_runner().invoke(args=["questionnaires", "check"])
    assert check.exit_code == 0 and "1 survey(s), 0 whose questionnaire file is gone or changed" in check.output


def test_a_new_version_leaves_the_old_survey_on_its_own_version(start, tmp_path):
    directory = folder(tmp_path, "q")
    app = start(directory)
    old_id, old_code = create_survey(app)
    (directory / "yining-2024-public-v2.toml").write_text(
        old_text(ORIGINAL.read_text(encoding="utf-8")).replace("version = 1", "version = 2", 1), encoding="utf-8")
    new_id, new_code = create_survey(app)  # the newest version: 2
    store = app.extensions[EXTENSION]
    assert store.get_survey(new_id)["questionnaire_version"] == 2
    old_form = app.test_client().get(f"/s/{old_code}").get_data(as_text=True)
    assert STAFF in old_form and OLD_TEXT not in old_form
    assert OLD_TEXT in app.test_client().get(f"/s/{new_code}").get_data(as_text=True)
    assert answer(app, old_code).status_code == 303 and answer(app, new_code).status_code == 303
    assert [r["questionnaire_version"] for r in store.query("select * from responses order by id")] == [1, 2]
    check = app.test_cli_runner().invoke(args=["questionnaires", "check"])
    assert check.exit_code == 0 and "2 survey(s), 0 whose" in check.output


def test_a_survey_made_before_digests_gets_its_files_at_the_next_start(start, tmp_path):
    """m015: surveys without a digest get the digest of their file as found at the upgrade (the server's start),
    in a line of their audit chain; from then on an edit is refused."""
    directory = folder(tmp_path, "q")
    app = start(directory)
    store = app.extensions[EXTENSION]
    legacy = store.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="旧项目")
    code = store.add_point(legacy, "大厅")["code"]
    missing = store.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=9, title="缺文件")
    assert store.get_survey(legacy)["questionnaire_digest"] is None
    again = start(directory)  # the upgrade's start
    survey = again.extensions[EXTENSION].get_survey(legacy)
    assert survey["questionnaire_digest"] == load(ORIGINAL).digest
    assert store.audit_entries(legacy)[-1]["action"] == "questionnaire_digest"
    assert store.get_survey(missing)["questionnaire_digest"] is None  # its file is not there: not recorded
    assert store.verify().ok
    start(directory)  # a further start records nothing again
    assert [e["action"] for e in store.audit_entries(legacy)].count("questionnaire_digest") == 1
    rewrite(directory / ORIGINAL.name, old_text)
    assert again.test_client().get(f"/s/{code}").status_code == 503


def test_rewriting_a_recorded_digest_behind_manyi_is_found_by_verify(start, tmp_path):
    app = start(folder(tmp_path, "q", old_text))
    survey_id, _ = create_survey(app)
    store = app.extensions[EXTENSION]
    assert store.verify().ok
    # whoever edited the file now makes the survey match it: the audit chain recorded the digest
    store.execute("update surveys set questionnaire_digest = ? where id = ?", [load(ORIGINAL).digest, survey_id])
    problems = "\n".join(store.verify().count_problems)
    assert f"survey {survey_id}: its questionnaire digest differs from what its audit chain recorded" in problems


EDITS = {  # what a citizen reads or what a stored code means: each one a different questionnaire
    "question text": old_text,
    "a translation": lambda t: t.replace('en = "Your gender:"', 'en = "Your sex:"'),
    "an option label": lambda t: t.replace('label = { zh-CN = "男"', 'label = { zh-CN = "男性"', 1),
    "points": lambda t: t.replace("points = 80", "points = 75", 1),
    "satisfied set": lambda t: t.replace("points = 60, satisfied = false", "points = 60, satisfied = true", 1),
    "headline figure": lambda t: t.replace('figure = "score"', 'figure = "rate"'),
    "required": lambda t: t.replace('short = "医保局工作人员"', 'short = "医保局工作人员"\nrequired = false'),
    "invitation": lambda t: t.replace("亲爱的先生/女士", "尊敬的先生/女士", 1),
    "not-applicable flag": lambda t: t.replace('"Dissatisfied" }, points = 20, satisfied = false },',
                                               '"Dissatisfied" }, not_applicable = true },', 1),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_the_digest_follows_what_citizens_read_and_codes_mean(tmp_path, edit):
    original = ORIGINAL.read_text(encoding="utf-8")
    changed = EDITS[edit](original)
    assert changed != original, edit
    (tmp_path / "q.toml").write_text(changed, encoding="utf-8")
    assert load(tmp_path / "q.toml").digest != load(ORIGINAL).digest


@pytest.mark.parametrize("edit", ["comments", "short label", "composites"])
def test_the_digest_ignores_what_no_citizen_reads(tmp_path, edit):
    original = ORIGINAL.read_text(encoding="utf-8")
    changed = {"comments": comments_only,
               "short label": lambda t: t.replace('short = "医保局工作人员"', 'short = "工作人员"'),
               "composites": lambda t: t.replace('items = ["q2", "q3", "q5"]', 'items = ["q2", "q5"]')}[edit](original)
    assert changed != original, edit
    (tmp_path / "q.toml").write_text(changed, encoding="utf-8")
    assert load(tmp_path / "q.toml").digest == load(ORIGINAL).digest


def test_the_digest_is_taken_once_per_parse_not_per_submit(tmp_path, monkeypatch):
    from survey_app.questionnaires import model

    calls = []
    monkeypatch.setattr(model, "digest", lambda q: calls.append(q.key) or "d" * 64)
    catalogue = Catalogue(folder(tmp_path, "q"))
    survey = {"id": 1, "questionnaire_id": "yining-2024-public", "questionnaire_version": 1,
              "questionnaire_digest": "d" * 64}
    for _ in range(20):
        catalogue.for_survey(survey)
    assert calls == ["yining-2024-public@1"]
