"""Helpers for evaluator-side tests: read the CSRF token of a page, log in, post an admin form."""
import re

EVALUATOR = "wang"
EVALUATOR_PASSWORD = "correct-horse-2024"


def csrf(html: str) -> str:
    """The CSRF token of the first form on the page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf_token on the page"
    return match.group(1) or match.group(2)


def login(client, username: str = EVALUATOR, password: str = EVALUATOR_PASSWORD, *, next_url: str = ""):
    """Log in through the real form (GET for the token, then POST); returns the POST response."""
    token = csrf(client.get("/admin/login").get_data(as_text=True))
    url = "/admin/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"csrf_token": token, "username": username, "password": password})


def post_form(client, page_url: str, action_url: str, data: dict, **kwargs):
    """POST ``data`` to ``action_url`` with the CSRF token read from ``page_url`` (as a browser would)."""
    token = csrf(client.get(page_url).get_data(as_text=True))
    return client.post(action_url, data={"csrf_token": token, **data}, **kwargs)
