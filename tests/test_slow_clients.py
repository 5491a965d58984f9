"""Idle and slow clients (issue #13): the documented deployment, nginx with deploy/nginx-manyi.conf in
front of `manyi serve` on loopback (tests/deployment.py starts both as the README says), keeps answering
the citizen page while clients hold connections open and send nothing, or send their headers a byte at
a time; bare `manyi serve` stops answering with as many idle connections as it has workers.

Latency under this load is measured in bench/bench_slow_clients.py (200 idle + 200 slow clients); here
the bounds are loose (a shared machine): every page answered, half of them within a second.
"""
import http.client
import statistics
import time

import pytest

from tests.deployment import ServeServer, start_stack
from tests.live import add_yining, prepare_database
from tests.slow_clients import Attack, probe


@pytest.fixture
def stack(tmp_path):
    stack = start_stack(tmp_path, add_yining)
    yield stack
    stack.stop()


def test_the_documented_stack_answers_citizens_while_idle_and_slow_clients_hang_on(stack):
    hall = stack.app.prepared["codes"][0]
    with Attack(stack.nginx.https_port, idle=50, slow=50, tls=True) as attack:
        times = probe(stack.url, f"/s/{hall}", seconds=4, rate=10, timeout=5, context=stack.nginx.ssl_context())
        assert attack.proc.poll() is None  # still holding its connections
    assert None not in times, f"{times.count(None)} of {len(times)} citizen pages unanswered within 5 s"
    assert statistics.median(times) <= 1.0, times
    assert attack.stats["opened"] >= 100


def test_the_documented_stack_redirects_to_https_and_refuses_large_bodies_itself(stack):
    conn = http.client.HTTPConnection("127.0.0.1", stack.nginx.http_port, timeout=5)
    conn.request("GET", "/s/abc")
    response = conn.getresponse()
    assert response.status == 301 and response.getheader("Location").startswith("https://")
    conn.close()
    conn = http.client.HTTPSConnection("127.0.0.1", stack.nginx.https_port, timeout=5,
                                       context=stack.nginx.ssl_context())
    conn.request("POST", f"/s/{stack.app.prepared['codes'][0]}", body=b"x" * 70_000,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert conn.getresponse().status == 413  # client_max_body_size 64k, before gunicorn reads a byte
    conn.close()
    assert "POST" not in stack.app.log()  # gunicorn's access log never saw it
    conn = http.client.HTTPSConnection("127.0.0.1", stack.nginx.https_port, timeout=5,
                                       context=stack.nginx.ssl_context())
    conn.request("POST", "/admin/surveys/1/edit", body=b"x" * 120_000,  # the settings form at its field limits
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()  # passed on: the app decides (413 here, with no login; its page, in Chinese)
    assert response.status == 413 and "提交的内容过长" in response.read().decode("utf-8", "replace")
    conn.close()
    deadline = time.monotonic() + 5  # gunicorn writes its access line after the response: wait for it
    while "POST /admin/surveys/1/edit" not in stack.app.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "POST /admin/surveys/1/edit" in stack.app.log()


def test_bare_serve_stops_answering_with_as_many_idle_connections_as_workers(tmp_path):
    """Why the proxy: each sync worker waits on its idle connection (for gunicorn's 120 s timeout)."""
    server = ServeServer(tmp_path, workers=2, name="bare")
    server.prepared = prepare_database(server.db_path, add_yining)
    server.start()
    try:
        hall = server.prepared["codes"][0]
        assert None not in probe(server.url, f"/s/{hall}", seconds=0.5, rate=4, timeout=5)
        with Attack(server.port, idle=2, slow=0, tls=False):
            times = probe(server.url, f"/s/{hall}", seconds=1, rate=4, timeout=2)
        assert times == [None] * len(times)
    finally:
        server.stop()
