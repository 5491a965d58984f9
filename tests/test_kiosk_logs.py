"""A hall tablet's address /k/<token> is its key (respondent/kiosk.py): the documented stack (nginx with
deploy/nginx-manyi.conf in front of `manyi serve`, tests/deployment.py) logs it as /k/*** in both access logs."""
import http.client

import pytest

from tests.deployment import start_stack
from tests.live import add_yining


def _with_tablet(conn) -> dict:
    made = add_yining(conn)
    point = conn.point_by_code(made["codes"][0])[0]
    made["token"] = conn.add_kiosk(made["survey_id"], point["id"], user="wang")[1]
    return made


@pytest.fixture
def stack(tmp_path):
    stack = start_stack(tmp_path, _with_tablet)
    yield stack
    stack.stop()


def test_neither_access_log_keeps_a_tablets_key(stack):
    token = stack.app.prepared["token"]
    conn = http.client.HTTPSConnection("127.0.0.1", stack.nginx.https_port, timeout=5, context=stack.nginx.ssl_context())
    conn.request("GET", f"/k/{token}?from=poster")
    response = conn.getresponse()
    assert response.status == 303 and "/s/" in response.getheader("Location")  # the tablet was let in
    conn.close()
    stack.stop()  # both logs written out
    nginx_log = (stack.nginx.folder / "manyi-access.log").read_text()
    assert '"GET /k/***?from=poster HTTP/1.1" 303' in nginx_log and token not in nginx_log
    assert '"GET /k/***?from=poster HTTP/1.1" 303' in stack.app.log() and token not in stack.app.log()


def test_other_paths_are_logged_as_they_are():
    from survey_app.access_log import masked

    assert masked("GET /s/4cty63x2?lang=ug HTTP/1.1") == "GET /s/4cty63x2?lang=ug HTTP/1.1"
    assert masked("GET /k/b7FrXICQyfnEA3B7P8vmVVlD HTTP/1.1") == "GET /k/*** HTTP/1.1"
