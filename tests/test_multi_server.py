"""Several app servers on one PostgreSQL must share a clock and a secret key (survey_app/store/servers.py):
a server whose clock is off, or whose FLASK_SECRET_KEY is another, is refused at start with one line naming
what differs; a small skew is tolerated; the secret key is changed with `manyi rotate-secret-key`. A single
SQLite server checks neither (one clock; a key made again after instance/config.py was lost must not strand it)."""
import re
import time

import pytest

from survey_app import check_deployable, create_app
from survey_app.store import EXTENSION, StartupError, secret_fingerprint
from tests.helpers import NO_DEFENCES, fill


@pytest.fixture
def start(database_url):
    """start(shift=0, **config) -> an app on one database whose clock runs ``shift`` seconds ahead."""
    url, made = database_url(), []

    def make(shift: float = 0, **config):
        config = {"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": url, **config}
        if shift:
            config["WALL_CLOCK"] = lambda: time.time() + shift
        made.append(create_app(config))
        return made[-1]

    yield make
    for app in made:
        app.extensions[EXTENSION].close()


@pytest.mark.postgresql_only
@pytest.mark.parametrize("shift, words", [(612, "ahead of"), (-612, "behind")])
def test_a_server_whose_clock_is_off_is_refused(start, shift, words):
    with pytest.raises(StartupError) as refused:
        start(shift)
    message = str(refused.value)
    assert re.match(rf"this server's clock is 61[123] s {words} the database server's \(PostgreSQL at postgresql://",
                    message), message
    assert "sync both with NTP (chrony) before starting" in message and "\n" not in message


@pytest.mark.postgresql_only
def test_a_small_skew_starts_and_the_bound_is_configurable(start):
    skew = start(3).extensions[EXTENSION].clock_skew()
    assert 2 < skew < 4
    with pytest.raises(StartupError, match="3 s ahead of the database server's .*at most 1 s allowed"):
        start(3, MAX_CLOCK_SKEW_SECONDS=1)


@pytest.mark.sqlite_only
def test_a_single_sqlite_server_has_no_other_clock(start):
    assert start(612).extensions[EXTENSION].clock_skew() is None


def test_a_key_from_a_server_ahead_is_timed_by_this_servers_clock(start, yining_on):
    """A form shown by a server 10 minutes ahead (its clock jumped after it started) and posted to this
    one: the first quick tap is 您填写得很快; the form comes back with a key timed by this server's clock,
    so the citizen's next tap, 8 s on, is stored (not 10 minutes of 您填写得很快)."""
    now = [time.time()]
    ahead = start(**NO_DEFENCES | {"SUBMISSION_MIN_SECONDS": 8})
    here = start(**NO_DEFENCES | {"SUBMISSION_MIN_SECONDS": 8})
    code, database = yining_on(here), here.extensions[EXTENSION]
    ahead.extensions[EXTENSION].wall_clock = lambda: now[0] + 600
    database.wall_clock = lambda: now[0]
    phone = ahead.test_client()
    body = fill(phone.get(f"/s/{code}").get_data(as_text=True))
    now[0] += 2
    page = here.test_client()
    page.set_cookie(*_device(phone))
    first = page.post(f"/s/{code}", data=body)
    assert first.status_code == 400 and "您填写得很快" in first.get_data(as_text=True)
    now[0] += 8
    again = page.post(f"/s/{code}", data=fill(first.get_data(as_text=True)))
    assert again.status_code == 303 and database.response_count() == 1


@pytest.fixture
def yining_on():
    def make(app):
        store = app.extensions[EXTENSION]
        survey_id = store.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="伊宁",
                                        department="伊宁市医疗保障局", year=2024, evaluator_org="评价机构",
                                        target=95.0, target_n=50)
        return store.add_point(survey_id, "业务大厅")["code"]
    return make


def _device(client):
    from tests.submitter import DEVICE_COOKIE

    return DEVICE_COOKIE, client.get_cookie(DEVICE_COOKIE).value


@pytest.mark.postgresql_only
def test_a_server_with_another_secret_key_is_refused_until_the_key_is_rotated(start, yining_on):
    first = start(SECRET_KEY="the-first-key-0123456789abcdefghij")
    check_deployable(first)  # the first server records its key's fingerprint
    meta = first.extensions[EXTENSION].store_meta()
    assert meta["secret_key_fingerprint"] == secret_fingerprint("the-first-key-0123456789abcdefghij") != "the-first-key-0123456789abcdefghij"
    check_deployable(start(SECRET_KEY="the-first-key-0123456789abcdefghij"))  # a second server with the same key
    second = start(SECRET_KEY="a-new-key-0123456789abcdefghijklmn", **NO_DEFENCES)
    with pytest.raises(StartupError) as refused:
        check_deployable(second)
    message = str(refused.value)
    assert secret_fingerprint("a-new-key-0123456789abcdefghijklmn") in message and secret_fingerprint("the-first-key-0123456789abcdefghij") in message
    assert "the same FLASK_SECRET_KEY" in message and "manyi rotate-secret-key" in message and "\n" not in message
    assert "a-new-key-0123456789abcdefghijklmn" not in message

    code = yining_on(first)
    phone = first.test_client()
    body = fill(phone.get(f"/s/{code}").get_data(as_text=True), None)
    result = second.test_cli_runner().invoke(args=["rotate-secret-key"])
    assert result.exit_code == 0 and f"fingerprint {secret_fingerprint('a-new-key-0123456789abcdefghijklmn')} (was" in result.output
    check_deployable(second)
    with pytest.raises(StartupError, match="is not the one the database"):
        check_deployable(start(SECRET_KEY="the-first-key-0123456789abcdefghij"))
    # a form shown under the old key comes back filled in with a fresh key; the next tap stores it
    page = second.test_client()
    page.set_cookie(*_device(phone))
    html = page.post(f"/s/{code}", data=body).get_data(as_text=True)
    assert "本页已经更新" in html
    assert page.post(f"/s/{code}", data=fill(html)).status_code == 303


@pytest.mark.sqlite_only
def test_a_single_sqlite_server_may_start_with_a_new_secret_key(start):
    check_deployable(start(SECRET_KEY="the-first-key-0123456789abcdefghij"))
    check_deployable(start(SECRET_KEY="made-again-after-config-py-was-lost"))
    result = start(SECRET_KEY="another-0123456789abcdefghijklmnopq").test_cli_runner().invoke(args=["rotate-secret-key"])
    assert result.exit_code == 0 and "Nothing to record" in result.output


@pytest.mark.postgresql_only
def test_a_key_rotation_is_a_line_in_every_surveys_audit_chain_and_verifies(start, yining_on):
    """An operator's rotation is recorded like other operator actions: a chained audit line per survey
    (the key is the deployment's), naming both fingerprints (never the key); the chains still verify, and a
    rotation to the key already recorded writes nothing."""
    first = start(SECRET_KEY="the-first-key-0123456789abcdefghij")
    check_deployable(first)
    yining_on(first), yining_on(first)
    second = start(SECRET_KEY="a-new-key-0123456789abcdefghijklmn")
    runner = second.test_cli_runner()
    assert runner.invoke(args=["rotate-secret-key"]).exit_code == 0
    store = second.extensions[EXTENSION]
    surveys = [s["id"] for s in store.list_surveys()]
    lines = {s: store.audit_entries(s) for s in surveys}
    assert len(surveys) == 2
    for entries in lines.values():
        last = entries[-1]
        assert (last["user"], last["action"]) == ("cli", "secret_key"), entries
        assert (secret_fingerprint("the-first-key-0123456789abcdefghij") in last["detail"] and secret_fingerprint("a-new-key-0123456789abcdefghijklmn")
                in last["detail"] and "a-new-key-0123456789abcdefghijklmn" not in last["detail"])
    verified = runner.invoke(args=["verify"])
    assert verified.exit_code == 0 and verified.output.startswith("OK:"), verified.output
    assert "nothing changed" in runner.invoke(args=["rotate-secret-key"]).output
    assert {s: store.audit_entries(s) for s in surveys} == lines
