"""The citizen's flow: open the point's page, answer, submit, see thanks; the answer is stored."""
import re

import pytest

from survey_app.store import EXTENSION, open_store
from tests.helpers import YINING_ANSWERS, fill, rtl_app


def test_full_flow_stores_the_response_and_its_answers(client, yining, database):
    survey_id, (hall, _) = yining
    page = client.get(f"/s/{hall}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "您对困难群众医疗救助政策的知晓度（如低保户参保补贴、大病兜底保障）？" in html
    assert "不收集姓名、电话" in html
    numbers = re.findall(r'<legend id="l-\w+">(\d+)\. ', html)  # one numbering across the sections
    assert numbers == [str(i) for i in range(1, len(YINING_ANSWERS) + 1)]

    posted = client.post(f"/s/{hall}", data=fill(html))
    assert posted.status_code == 303
    assert posted.headers["Location"].endswith(f"/s/{hall}/thanks")
    thanks = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert "提交成功" in thanks
    # the questionnaire's title, as the form showed it, not the evaluator's name for the survey
    assert "2024 年伊宁市医疗保障局部门整体绩效评价满意度问卷调查" in thanks
    assert database.get_survey(survey_id)["title"] not in thanks

    [response] = database.query("select * from responses")
    point = database.point_by_code(hall)[0]
    assert response["survey_id"] == survey_id and response["point_id"] == point["id"]
    assert response["status"] == "valid" and response["questionnaire_version"] == 1
    assert response["language"] == "zh-CN" and response["seconds_on_page"] >= 0
    assert len(response["hash"]) == 64 and response["device_hash"]
    stored = {(a["question_id"], a["value"]) for a in database.query("select * from answers")}
    assert stored == set(YINING_ANSWERS.items())
    tallies = {(t["question_id"], t["value"]): t["n"] for t in database.tallies(survey_id)}
    assert tallies == {item: 1 for item in YINING_ANSWERS.items()}


def test_a_code_typed_in_capitals_off_the_poster_opens_the_form(client, yining, database):
    _, (hall, _) = yining
    page = client.get(f"/s/{hall.upper()}")
    assert page.status_code == 200 and "提交" in page.get_data(as_text=True)
    assert client.post(f"/s/{hall.upper()}", data=fill(page.get_data(as_text=True))).status_code == 303
    assert database.response_count() == 1


def test_same_submission_key_posted_ten_times_stores_one_response(client, yining, database):
    _, (hall, _) = yining
    body = fill(client.get(f"/s/{hall}").get_data(as_text=True))
    statuses = {client.post(f"/s/{hall}", data=body).status_code for _ in range(10)}
    assert statuses == {303}
    assert database.response_count() == 1
    assert database.execute("select sum(n) from tallies where question_id = 'q5'").fetchone()[0] == 1


def test_missing_answer_keeps_given_answers_and_says_which_question(client, yining, database):
    _, (hall, _) = yining
    answers = {k: v for k, v in YINING_ANSWERS.items() if k != "q3"}
    page = client.post(f"/s/{hall}", data=fill(client.get(f"/s/{hall}").get_data(as_text=True), answers))
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "请选择一项后再提交" in html
    assert 'name="q5" value="A" checked' in html and 'name="age" value="B" checked' in html
    assert database.response_count() == 0


def test_a_key_that_no_longer_fits_gives_the_form_back_filled_in(client, yining, database):
    """The browser's device cookie changed after the page was shown (cleared, or a key issued by an
    older Manyi): the form comes back filled in with a new key, and the next tap on 提交 stores it."""
    _, (hall, _) = yining
    body = fill(client.get(f"/s/{hall}").get_data(as_text=True))
    client.set_cookie("mid", "a-new-device-token")
    page = client.post(f"/s/{hall}", data=body)
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "本页已经更新" in html
    assert 'name="q4" value="C" checked' in html
    assert database.response_count() == 0
    retry = client.post(f"/s/{hall}", data=fill(html))  # the citizen taps 提交 again
    assert retry.status_code == 303 and database.response_count() == 1


def test_other_language_labels_and_stored_language(client, yining, database):
    _, (hall, _) = yining
    html = client.get(f"/s/{hall}?lang=en").get_data(as_text=True)
    assert "Very satisfied" in html and 'lang="en"' in html
    assert ">Submit</button>" in html and "we do not ask for your name" in html and "提交" not in html
    missing = client.post(f"/s/{hall}", data=fill(html, {k: v for k, v in YINING_ANSWERS.items() if k != "q2"}))
    page = missing.get_data(as_text=True)
    assert missing.status_code == 400 and "Please choose one answer." in page
    assert '(<a href="#f-q2">go to the question</a>)' in page and "请选择" not in page
    done = client.post(f"/s/{hall}", data=fill(page))
    assert done.headers["Location"].endswith(f"/s/{hall}/thanks?lang=en")
    thanks = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Submitted. Thank you!" in thanks and "Thank you again for taking part!" in thanks
    assert database.execute("select language from responses").fetchone()[0] == "en"


def test_two_values_for_one_single_choice_question_are_refused(client, yining, database):
    _, (hall, _) = yining
    body = fill(client.get(f"/s/{hall}").get_data(as_text=True))
    body["q1"] = ["A", "B"]
    page = client.post(f"/s/{hall}", data=body)
    assert page.status_code == 400 and "所选内容不在选项之中" in page.get_data(as_text=True)
    assert database.response_count() == 0


def test_the_error_banner_links_to_the_first_unanswered_question(client, yining):
    _, (hall, _) = yining
    answers = {k: v for k, v in YINING_ANSWERS.items() if k not in ("q3", "q4")}
    html = client.post(f"/s/{hall}", data=fill(client.get(f"/s/{hall}").get_data(as_text=True), answers)
                       ).get_data(as_text=True)
    assert '<a href="#f-q3">转到该题</a>' in html and 'id="f-q3"' in html


def test_a_right_to_left_language_is_offered_and_laid_out_right_to_left(tmp_path, database):
    """A questionnaire with Uyghur labels (a stand-in text here) gets a ug link and a dir="rtl" page."""
    app, code = rtl_app(tmp_path)
    client = app.test_client()
    assert 'href="?lang=ug"' in client.get(f"/s/{code}").get_data(as_text=True)
    page = client.get(f"/s/{code}?lang=ug").get_data(as_text=True)
    assert '<html lang="ug" dir="rtl">' in page and "رازى" in page and "不满意" in page  # label fallback
    app.extensions[EXTENSION].close()


def test_a_busy_database_gives_the_form_back_and_the_retry_stores_once(app, client, yining, database, backend):
    """Locked past the busy or lock timeout (here 50 ms): 503, nothing stored, answers kept; then the retry works."""
    _, (hall, _) = yining
    body = fill(client.get(f"/s/{hall}").get_data(as_text=True))
    blocker = open_store(app.config["DATABASE"])
    if backend == "sqlite":
        database.execute("PRAGMA busy_timeout = 50")
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    else:
        database.execute("set lock_timeout = 50")  # this thread's connection: the one the app uses here
        blocker.execute("begin")
        blocker.execute("select * from chain_heads for update")  # another server holds every point's head
    try:
        busy = client.post(f"/s/{hall}", data=body)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    page = busy.get_data(as_text=True)
    assert busy.status_code == 503 and "系统繁忙，您的答卷还没有保存" in page
    assert 'name="q4" value="C" checked' in page and database.response_count() == 0
    retry = client.post(f"/s/{hall}", data=fill(page))
    assert retry.status_code == 303 and database.response_count() == 1
    assert client.post(f"/s/{hall}", data=fill(page)).status_code == 303 and database.response_count() == 1


@pytest.mark.sqlite_only  # Manyi's writer lock file is SQLite's
@pytest.mark.parametrize("thread", ["main", "other"])  # gunicorn's sync worker / a threaded server
def test_a_writer_stuck_on_the_queue_gives_503_not_a_hang(app, client, yining, database, monkeypatch, thread):
    """Another process holds Manyi's writer lock file: after the busy timeout (here 50 ms) the citizen gets
    the form back instead of waiting for the worker to be killed."""
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    _, (hall, _) = yining
    body = fill(client.get(f"/s/{hall}").get_data(as_text=True))
    monkeypatch.setattr(database.backend, "timeout_ms", 50)
    lock = app.config["DATABASE"] + "-writer.lock"
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, time; "
                               f"fd = os.open({lock!r}, os.O_RDWR | os.O_CREAT); fcntl.flock(fd, fcntl.LOCK_EX); "
                               "print('held', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        if thread == "main":
            busy = client.post(f"/s/{hall}", data=body)
        else:
            with ThreadPoolExecutor(1) as pool:
                busy = pool.submit(client.post, f"/s/{hall}", data=body).result()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert busy.status_code == 503 and "系统繁忙" in busy.get_data(as_text=True)
    assert database.response_count() == 0
    assert client.post(f"/s/{hall}", data=fill(busy.get_data(as_text=True))).status_code == 303


def test_the_closed_notice_speaks_the_page_language(client, yining, database):
    survey_id, (hall, _) = yining
    database.update_survey(survey_id, status="closed")
    english = client.get(f"/s/{hall}?lang=en")
    assert english.status_code == 410 and "This survey has ended." in english.get_data(as_text=True)
    assert "本次问卷调查已经结束" in client.get(f"/s/{hall}").get_data(as_text=True)


def test_a_browser_that_refuses_cookies_is_told_why_it_cannot_submit(app, yining, database):
    _, (hall, _) = yining
    no_cookies = app.test_client(use_cookies=False)
    page = no_cookies.post(f"/s/{hall}", data=fill(no_cookies.get(f"/s/{hall}").get_data(as_text=True)))
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "请用微信扫码打开本页" in html
    assert 'name="q5" value="A" checked' in html and database.response_count() == 0


def test_a_thank_you_link_opened_on_a_phone_that_did_not_answer_shows_the_form(app, yining, database):
    """WeChat's 发送给朋友 shares the page's address: a friend opening someone's thank-you page must get the form,
    not 提交成功，您的答卷已经保存 for answers never sent (and so never answer)."""
    _, (hall, _) = yining
    friend = app.test_client()
    for query in ("", "?lang=en"):
        shared = friend.get(f"/s/{hall}/thanks{query}")
        assert shared.status_code == 303 and shared.headers["Location"] == f"/s/{hall}{query}"
        assert "提交成功" not in friend.get(shared.headers["Location"]).get_data(as_text=True)
    html = friend.get(f"/s/{hall}").get_data(as_text=True)
    assert friend.post(f"/s/{hall}", data=fill(html)).status_code == 303
    assert "提交成功" in friend.get(f"/s/{hall}/thanks").get_data(as_text=True)  # once answered: thanked
    assert database.response_count() == 1


def test_an_address_typed_with_a_slash_after_the_code_leads_to_the_form(client, yining, database):
    """/s/<code>/ (a slash typed after the code printed on the poster) was a 404 page with no way on."""
    _, (hall, _) = yining
    for typed, form in ((f"/s/{hall}/", f"/s/{hall}"), (f"/s/{hall.upper()}/?lang=en", f"/s/{hall}?lang=en")):
        response = client.get(typed)
        assert response.status_code == 301 and response.headers["Location"] == form
        assert '<form method="post"' in client.get(form).get_data(as_text=True)
    assert client.get("/s/zzzzzzzz/").status_code == 404  # an unknown code is still not found
    assert client.post(f"/s/{hall}/", data={"q5": "A"}).status_code == 405 and database.response_count() == 0
