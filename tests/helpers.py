"""Small helpers shared by tests: read a rendered respondent form and answer it."""
import re
import threading

YINING_ANSWERS = {"age": "B", "gender": "A", "q1": "A", "q2": "B", "q3": "A", "q4": "C", "q5": "A"}


def hidden_fields(html: str) -> dict:
    return dict(re.findall(r'<input id="\w+" name="(\w+)" type="hidden" value="([^"]*)">', html))


def fill(html: str, answers: dict | None = None) -> dict:
    """The POST body a citizen's browser would send for this page with these answers."""
    return {**hidden_fields(html), **(YINING_ANSWERS if answers is None else answers)}


# The stuffing defences (survey_app/respondent/defences.py) out of the way of tests about something else, which
# post a form at once, many from one address, and open a form again after answering it: no minimum time, ceilings no test reaches. tests/test_stuffing.py
# runs with the defaults.
NO_DEFENCES = {"SUBMISSION_MIN_SECONDS": 0, "DEVICE_BURST": 10**9, "ADDRESS_BURST": 10**9, "ANSWERED_PAGE": False}


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
