"""A questionnaire's digest: SHA-256 of a canonical serialization of the parsed model, as citizens read it
and as the statistics read its stored codes.

Recorded on a survey when it is created (surveys.questionnaire_digest) and compared whenever the survey's
questionnaire is loaded (Catalogue.for_survey): a file edited in place, or another server's different copy
under the same id@version, no longer matches, and is neither served nor used to read stored codes.

In it: id, version, title, invitation, closing, signature, the sections' titles and order, and per question
its id, text, type, role, required, max_length and options (code, label, points, satisfied, not_applicable),
every text in every language; the headline's items, weights and figure. Not in it, because they change
neither what a citizen reads nor what a stored code means: comments, whitespace, key order and layout of the
file, its name, scale names (the options are in), ``short`` labels of reports, and ``[[composites]]``
(questionnaires/README.md, section 7: these need no new version).
"""
from __future__ import annotations

import hashlib
import json

FORMAT = 1  # bumped (and every recorded digest re-recorded) only if what is serialized changes
SHOWN = 12  # hex digits a message shows


def _text(text) -> dict[str, str]:
    return dict(sorted(text.values.items()))


def _question(q) -> dict:
    return {"id": q.id, "text": _text(q.text), "type": q.type, "role": q.role, "required": q.required,
            "max_length": q.max_length,
            "options": [{"code": o.code, "label": _text(o.label), "points": o.points, "satisfied": bool(o.satisfied),
                         "not_applicable": o.not_applicable} for o in q.options]}


def canonical(q) -> str:
    """The questionnaire ``q`` (model.Questionnaire) as canonical JSON: what its digest is taken of."""
    data = {
        "format": FORMAT, "id": q.id, "version": q.version, "title": _text(q.title),
        "invitation": _text(q.invitation), "closing": _text(q.closing), "signature": q.signature,
        "sections": [{"title": _text(s.title), "questions": [_question(x) for x in s.questions]} for s in q.sections],
        "headline": {"weights": dict(sorted(q.headline.weights.items())), "figure": q.headline.figure},
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def digest(q) -> str:
    """64 hex digits: SHA-256 of ``canonical(q)``."""
    return hashlib.sha256(canonical(q).encode("utf-8")).hexdigest()


def short(value: str | None) -> str:
    """A digest as messages show it (its first SHOWN hex digits)."""
    return (value or "")[:SHOWN]
