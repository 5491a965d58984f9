"""Small helpers shared by tests: read a rendered respondent form and answer it; run the `manyi` command."""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

MANYI = str(Path(sys.executable).parent / "manyi")
# What a command the tests start in an environment of its own keeps (tests/conftest.py): this checkout's code,
# a temporary instance folder.
CHECKOUT_ENV = {name: os.environ[name] for name in ("PYTHONPATH", "MANYI_TEST_INSTANCE") if name in os.environ}

YINING_ANSWERS = {"age": "B", "gender": "A", "q1": "A", "q2": "B", "q3": "A", "q4": "C", "q5": "A"}
# A five-step satisfaction scale (s5) for questionnaires written in tests: 非常满意 100 … 不满意 20.
S5_SCALE = '''[scales.s5]
options = [
  { code = "A", label = "非常满意", points = 100, satisfied = true },
  { code = "B", label = "比较满意", points = 80, satisfied = true },
  { code = "C", label = "一般满意", points = 60 },
  { code = "D", label = "不太满意", points = 40 },
  { code = "E", label = "不满意", points = 20 },
]
'''


def hidden_fields(html: str) -> dict:
    return dict(re.findall(r'<input id="\w+" name="(\w+)" type="hidden" value="([^"]*)">', html))


def fill(html: str, answers: dict | None = None) -> dict:
    """The POST body a citizen's browser would send for this page with these answers."""
    return {**hidden_fields(html), **(YINING_ANSWERS if answers is None else answers)}


# The stuffing defences (survey_app/respondent/defences.py) out of the way of tests about something else, which
# post a form at once, many from one address, and open a form again after answering it: no minimum time, ceilings no test reaches. tests/test_stuffing.py
# runs with the defaults.
NO_DEFENCES = {"SUBMISSION_MIN_SECONDS": 0, "DEVICE_BURST": 10**9, "ADDRESS_BURST": 10**9, "ANSWERED_PAGE": False}


def within(seconds: float, work):
    """(``work()``'s result, the seconds it took), or a failure if it has not returned after ``seconds``
    (it keeps waiting in its daemon thread: the test's clean-up must release what it waits for)."""
    done = {}

    def run():
        try:
            done["result"] = work()
        except BaseException as e:  # noqa: BLE001 (given to the test)
            done["error"] = e
    thread = threading.Thread(target=run, daemon=True)
    start = time.monotonic()
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    if "error" in done:
        raise done["error"]
    return done["result"], time.monotonic() - start


def at_once(n: int, work) -> list:
    """Run work(i) in n threads released together; returns each result or exception, in order."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as e:  # noqa: BLE001 (the caller looks at it)
            results[i] = e
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def manyi(*args, database: str | None = None, key: str | None = None, cwd: str | None = None, input: str | None = None):
    """The installed console script, as an operator runs it: the suite's chain key (or ``key``), and the
    app's own database the one named, else a fresh one (never a developer's instance/ file)."""
    env = {"PATH": "/usr/bin:/bin", "FLASK_SECRET_KEY": "t", "FLASK_CHAIN_KEY": key or os.environ["FLASK_CHAIN_KEY"],
           **CHECKOUT_ENV,
           "FLASK_DATABASE": database or os.path.join(tempfile.mkdtemp(), "app.sqlite3")}
    return subprocess.run([MANYI, *args], env=env, capture_output=True, text=True, timeout=120, cwd=cwd, input=input)


def demo_database(path: str) -> str:
    """``manyi demo --no-serve`` into ``path`` (the Yining survey, its 50 answers, an evaluator)."""
    done = manyi("demo", "--no-serve", database=path)
    assert done.returncode == 0, done.stdout + done.stderr
    return path


# A questionnaire with Uyghur labels (a stand-in text) and a label left in Chinese ending in a neutral "：".
RTL_QUESTIONNAIRE = '''
id = "rtl-demo"
version = 1
title = { zh-CN = "测试问卷", ug = "سىناق" }
invitation = { zh-CN = "您好！本问卷匿名填写。", ug = "ياخشىمۇسىز" }
[headline]
questions = "q1"
[[sections]]
title = "一、问题"
[[sections.questions]]
id = "q1"
text = { zh-CN = "您是否满意？", ug = "رازىمۇ؟" }
role = "satisfaction"
options = [
  { code = "A", label = { zh-CN = "满意", ug = "رازى" }, points = 100, satisfied = true },
  { code = "B", label = "不满意：", points = 0 },
]
'''


def rtl_app(tmp_path):
    """(app, point code): an app on a SQLite file in ``tmp_path`` whose only questionnaire is
    RTL_QUESTIONNAIRE, with one survey and one point. The caller closes the app's store."""
    from survey_app import create_app
    from survey_app.store import open_store

    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "rtl.toml").write_text(RTL_QUESTIONNAIRE, encoding="utf-8")
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "rtl.sqlite3"),
                      "QUESTIONNAIRE_DIR": str(folder)})
    conn = open_store(app.config["DATABASE"])
    try:
        survey_id = conn.create_survey(questionnaire_id="rtl-demo", questionnaire_version=1, title="测试")
        return app, conn.add_point(survey_id, "大厅")["code"]
    finally:
        conn.close()


@contextmanager
def copied_to_postgresql(pg, database, source: str, name: str):
    """The SQLite deployment at ``source`` moved by `manyi copy-db` into a new database ``name`` of the throwaway
    cluster (the app's ``database`` closed first: a maintenance stop), opened; dropped afterwards."""
    from survey_app.store import open_store

    database.close()
    pg.create_database(name)
    try:
        done = manyi("copy-db", source, pg.url(name))
        assert done.returncode == 0, done.stdout + done.stderr
        copy = open_store(pg.url(name))
        try:
            yield copy
        finally:
            copy.close()
    finally:
        pg.drop_database(name)
