"""The evaluators' side fuzzed, logged in (issue #13 item 6): every route under /admin, enumerated from the
app's URL map with its path filled by the ids of a survey, points and responses whose stored text is hostile
(tests/hostile.py), by GET with hostile query strings and by POST with a valid CSRF token and hostile values
for every field of every evaluator form; and every download. Never a 5xx; every page and download renders
(200, and the file opens with its own library), before and after the fuzz's own posts stored what they could.

tests/test_fuzz.py hits the same routes logged out (where they only redirect to the login page).
"""
from __future__ import annotations

import os
import re
from collections import Counter

import pytest
from analysis import DEFAULT_RULE
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from survey_app import reports
import survey_app.admin  # noqa: F401  (every evaluator form class defined)
from survey_app.safetext import clean_line
from tests.admin_helpers import csrf, login
from tests.hostile import HEADER_BREAK, HOSTILE, assert_safe_header, read_back, store_hostile_survey

EXAMPLES = int(os.environ.get("MANYI_ADMIN_FUZZ_EXAMPLES", "60"))


def evaluator_forms(cls=FlaskForm):
    """Every form class of the evaluators' pages (survey_app.admin.*), wherever it is defined."""
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("survey_app.admin."):
            yield sub
        yield from evaluator_forms(sub)


# Every field name of every evaluator form (a new form or field is fuzzed without a change here).
FIELDS = sorted({name for form in evaluator_forms() for name, value in vars(form).items()
                 if isinstance(value, UnboundField)})
QUERY_KEYS = sorted({"include_excluded", "status", "flag", "before", "next", *FIELDS})
ON_ITS_OWN = ("admin.auth.login", "admin.auth.logout")  # on a client of their own: the session stays logged in
# What the forms need to accept a post (so that its hostile texts get stored, as old data would hold them)
ACCEPTED = {"questionnaire": "nanchang-window@1", "year": "2024", "target_n": "50", "rule": DEFAULT_RULE,
            "c51_figure": "headline", "action": "exclude", "issued": "10", "served": "20", "target": "", "population": "",
            "opens_on": "", "closes_on": "", "plan_t": "", "plan_N": ""}
SHORT = "=cmd\ufffe\x0b\u202e\r\n<script>alert(2)</script>名"  # within every field's length limit
hostile_text = st.one_of(
    st.sampled_from([HOSTILE, HEADER_BREAK, "\ufffe", "\uffff", "\x0b", "\x01\x1f\x7f\x85", "\u202e名称", "", " ", "0",
                     "-1", "2024", "95", "1e309", "nan", "9" * 30, "A" * 5000, "2024-02-30", "../..", "//evil.example",
                     "open", "closed", "exclude", "restore", "valid", "excluded", "any", "speeder", "\x00"]),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60))


class Evaluator:
    """A logged-in evaluator's client, the hostile survey's ids and every admin route."""

    def __init__(self, app, database, evaluator):
        self.app, self.database = app, database
        self.ids = store_hostile_survey(app, database, evaluator)
        colleague = database.create_user('<script>alert(1)</script>"李', "not-a-hash")  # 项目成员: a hostile name
        database.grant(colleague, self.ids["survey_id"])
        self.ids["user_ids"] = [evaluator, colleague]
        self.ids["kiosk_ids"] = [database.add_kiosk(self.ids["survey_id"], self.ids["point_ids"][0], user="wang")[0]]
        self.client = app.test_client()
        assert login(self.client).status_code == 302
        self.token = csrf(self.client.get("/admin/password").get_data(as_text=True))  # any form of the session
        self.rules = sorted((r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")), key=lambda r: (r.rule, r.endpoint))
        self.seen = Counter()
        self.statuses = Counter()

    def paths(self, rule) -> list[str]:
        """Every way to fill the rule with real ids and each allowed value (formats, QR kinds)."""
        choices = {"survey_id": [self.ids["survey_id"]], "point_id": self.ids["point_ids"],
                   "response_id": self.ids["response_ids"], "user_id": self.ids["user_ids"],
                   "kiosk_id": self.ids["kiosk_ids"],
                   "fmt": list(reports.FORMATS)}
        for name, converter in rule._converters.items():
            if hasattr(converter, "items"):  # any(png, svg, poster)
                choices[name] = sorted(converter.items)
        paths = [rule.rule]
        for name in rule.arguments:
            paths = [re.sub(f"<[^>]*:?{name}>", str(value), p) for p in paths for value in choices[name]]
        return paths

    def request(self, method: str, rule, path: str, **kwargs):
        client = self.app.test_client() if rule.endpoint in ON_ITS_OWN else self.client
        if method == "POST":
            kwargs["data"] = {"csrf_token": self.token, **kwargs.get("data", {})}
        response = client.open(path, method=method, buffered=True, **kwargs)
        self.seen[(rule.endpoint, method)] += 1
        self.statuses[response.status_code] += 1
        if client is self.client and "/admin/login" in response.headers.get("Location", ""):
            self.statuses["sent to log in"] += 1  # the session must hold: a logged-out fuzz tests nothing
        assert response.status_code < 500, (method, path, kwargs, response.get_data(as_text=True)[:500])
        return response

    def renders(self, tmp_path) -> int:
        """GET every admin page and download (raw data both ways): each a 200 that opens. Returns how many."""
        count = 0
        for rule in self.rules:
            if "GET" not in rule.methods or rule.endpoint in ON_ITS_OWN:
                continue
            for path in self.paths(rule):
                for query in ("", "?include_excluded=1") if rule.endpoint == "admin.reports.export" else ("",):
                    response = self.request("GET", rule, path + query)
                    assert response.status_code == 200, (path + query, response.status_code)
                    count += 1
                    if "Content-Disposition" in response.headers:
                        assert_safe_header(response)  # no CR/LF from a stored name ever reaches a header
                    if rule.endpoint == "admin.reports.export":
                        assert read_back(path.rsplit("/", 1)[1], response.get_data(), tmp_path)
                    elif path.endswith("/png"):
                        assert response.get_data().startswith(b"\x89PNG")
                    elif path.endswith("/svg"):
                        assert b"<svg" in response.get_data()
                    else:
                        assert response.mimetype == "text/html" and "<script>alert" not in response.get_data(as_text=True)
        return count


@pytest.fixture
def target(app, database, evaluator):
    return Evaluator(app, database, evaluator)


def test_every_admin_page_and_download_renders_with_hostile_stored_text(target, tmp_path):
    assert target.renders(tmp_path) >= 8 + 2 * len(reports.FORMATS) + 3 * 2  # pages, downloads, QR files
    downloads = {path.rsplit("/", 1)[1] for rule in target.rules if rule.endpoint == "admin.reports.export"
                 for path in target.paths(rule)}
    assert downloads == set(reports.FORMATS)


def test_every_admin_route_by_get_and_post_with_hostile_values_then_everything_still_renders(target, tmp_path):
    for rule in target.rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for path in target.paths(rule):
                target.request(method, rule, path + ("?" + "&".join(f"{k}={HOSTILE[:20]}" for k in QUERY_KEYS)
                                                      if method == "GET" else ""),
                               data={name: HOSTILE for name in FIELDS} if method == "POST" else {})
                if method == "POST":  # and with values a form accepts, so the hostile texts get stored
                    target.request(method, rule, path, data={**{name: SHORT for name in FIELDS}, **ACCEPTED})
    every = {(r.endpoint, m) for r in target.rules for m in r.methods - {"HEAD", "OPTIONS"}}
    assert set(target.seen) == every and len(every) >= 19
    survey_id = target.ids["survey_id"]  # what the accepted posts stored, cleaned at the edge
    assert target.database.get_survey(survey_id)["title"] == clean_line(SHORT)
    assert clean_line(SHORT) in [p["name"] for p in target.database.list_points(survey_id)]
    assert target.database.get_response(target.ids["response_ids"][1])["exclude_reason"] == clean_line(SHORT)
    target.renders(tmp_path)


def test_fuzzed_admin_requests_never_fail(target, tmp_path):
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def fuzz(data):
        rule = data.draw(st.sampled_from(target.rules))
        path = data.draw(st.sampled_from(target.paths(rule)))
        if data.draw(st.integers(0, 3)) == 0 and rule.arguments:  # an id of nothing, or of another survey's row
            path = re.sub(r"/\d+", lambda m: "/" + str(data.draw(st.integers(-1, 2**63))), path, count=1)
        method = data.draw(st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"}) * 5 + ["PUT"]))
        keys = data.draw(st.lists(st.sampled_from(QUERY_KEYS if method == "GET" else FIELDS), max_size=8))
        values = {k: data.draw(hostile_text) for k in keys}
        if method == "GET":
            target.request(method, rule, path, query_string=values)
        else:
            target.request(method, rule, path, data=values)

    fuzz()
    assert target.statuses[200] >= EXAMPLES // 10 and not target.statuses["sent to log in"], target.statuses
    target.renders(tmp_path)
