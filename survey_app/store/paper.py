"""Paper answers (channel 纸质): a paper form handed out at a collection point, entered by an evaluator.

Each form carries the 问卷编号 the evaluator wrote on it (reports/paper.py prints the line); the number is the
response's submission key within its survey (``paper:<survey>:<number>``), so one form is stored once however
often it is entered, by whoever. The response links into its point's chain like a scanned one (channel, key and
time in the link; no seconds on page and no device, so no speeder or device flag), and its entry is a line of
the survey's audit chain naming who entered it. A form with a required question left blank is stored as it
reads and excluded in the same transaction, its reason naming the questions: it counts as returned (回收),
not as valid (有效), as the trade counts an incomplete paper form.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .common import Audit
from .responses import insert_response

PAPER = "纸质"
BATCH = 200  # paper forms to a transaction when a table of them is imported
_PREFIX = "paper:"
_NUMBER = re.compile(r"[0-9A-Z][0-9A-Z-]{0,19}")


class BadPaperNumber(ValueError):
    """A 问卷编号 Manyi cannot keep: 1–20 digits, Latin letters or hyphens, starting with a digit or letter."""


def paper_number(text: str | None) -> str:
    """The 问卷编号 as stored: full-width characters made half-width, letters upper-case, a number's leading
    zeros dropped (007 and 7 are one form); BadPaperNumber for anything else."""
    number = unicodedata.normalize("NFKC", text or "").strip().upper()
    if not _NUMBER.fullmatch(number):
        raise BadPaperNumber(number)
    return str(int(number)) if number.isdigit() else number


def paper_key(survey_id: int, number: str) -> str:
    return f"{_PREFIX}{survey_id}:{number}"


def number_of(submission_key: str | None) -> str | None:
    """The 问卷编号 of a paper response's submission key (None for any other key)."""
    if not submission_key or not submission_key.startswith(_PREFIX):
        return None
    return submission_key.split(":", 2)[2]


@dataclass(frozen=True)
class Entered:
    response_id: int
    created: bool  # False: this survey stored a form with this number before (nothing written now)
    excluded: bool  # stored, and excluded at once: a required question left blank


class PaperEntry:
    def save_paper(self, *, survey_id: int, point_id: int, questionnaire_version: int, number: str,
                   answers: list[tuple[str, str]], missing: list[str], user: str) -> Entered:
        """Store one paper form's answers (``number`` as ``paper_number`` gives it) at ``point_id``, with an
        audit line naming ``user``; ``missing``: the required questions left blank (their labels, e.g. 第 3 题),
        which exclude the form at once. A number stored before writes nothing (``created`` False)."""
        key = paper_key(survey_id, number)
        response = {"survey_id": survey_id, "point_id": point_id, "questionnaire_version": questionnaire_version,
                    "submission_key": key, "seconds_on_page": None, "language": "zh-CN", "device_hash": None,
                    "channel": PAPER}

        def body(conn):
            if conn.value("select survey_id from points where id = ?", [point_id]) != survey_id:
                raise LookupError(f"no collection point {point_id} in survey {survey_id}")
            rid = insert_response(conn, self._chain_key(), response, answers)
            if rid is None:
                return Entered(self.response_for_key(key, conn=conn), False, False)
            self._survey_unchanged(conn, survey_id)  # else its line would record a forgery as genuine
            self._audit(conn, Audit(user, "paper", f"第 {number} 号纸质问卷"), survey_id, rid)
            if missing:
                self.set_response_status(rid, status="excluded", user=user,
                                         reason=f"纸质问卷漏答必答题：{'、'.join(missing)}")
            return Entered(rid, True, bool(missing))
        return self._write(body)

    def save_papers(self, *, survey_id: int, questionnaire_version: int, forms, user: str) -> list[str]:
        """``save_paper`` for each of ``forms`` ((number, point id, answers, missing) each), BATCH to a transaction
        (a long file never holds the write turn long enough to keep citizens' submits waiting); for each form
        "stored", "excluded" (stored, a required question blank), "same" (its number was stored before at this
        point with these answers: nothing written) or "other" (stored before otherwise: nothing written)."""
        outcomes: list[str] = []
        forms = list(forms)
        for start in range(0, len(forms), BATCH):
            def body(conn, batch=forms[start:start + BATCH]):
                out = []
                for number, point_id, answers, missing in batch:
                    entered = self.save_paper(survey_id=survey_id, point_id=point_id, number=number, answers=answers,
                                              questionnaire_version=questionnaire_version, missing=missing, user=user)
                    if entered.created:
                        out.append("excluded" if entered.excluded else "stored")
                    else:
                        out.append("same" if self.stored_paper(survey_id, number) == (point_id, sorted(answers)) else "other")
                return out
            outcomes += self._write(body)
        return outcomes

    def stored_paper(self, survey_id: int, number: str) -> tuple[int, list[tuple[str, str]]] | None:
        """(point id, sorted answers) of the paper form stored under ``number``, or None."""
        rows = self._read().execute("select r.point_id, a.question_id, a.value from responses r left join answers a"
                                    " on a.response_id = r.id where r.submission_key = ?",
                                    [paper_key(survey_id, number)]).fetchall()
        return (rows[0][0], sorted((q, v) for _, q, v in rows if q is not None)) if rows else None

    def paper_counts(self, survey_id: int) -> dict[int, int]:
        """Point id → paper answers stored there (valid and excluded): ``channel_counts`` (counts.py)."""
        return {point_id: n[PAPER] for point_id, n in self.channel_counts(survey_id).items() if PAPER in n}

    def recent_paper(self, survey_id: int, limit: int = 5) -> list[dict]:
        """The last ``limit`` paper forms entered in a survey, newest first, from their audit lines (who typed
        each, when): number, point, user, at, status and exclude_reason, as it reads now."""
        rows = self._read().rows(
            'select r.submission_key, p.name as point, a."user" as user, a.at, r.status, r.exclude_reason'
            " from audit_log a join responses r on r.id = a.response_id join points p on p.id = r.point_id"
            " where a.survey_id = ? and a.action = 'paper' order by a.id desc limit ?", [survey_id, limit])
        return [{**row, "number": number_of(row.pop("submission_key"))} for row in rows]
