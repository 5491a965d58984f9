"""The hash chains: one per collection point, so submits at different points never wait for each
other. Each response's hash covers the one before it at its point; the newest is kept in
``chain_heads``. Responses stored before per-point chains (``legacy_last_id``) form the old global
chain, whose head is every point chain's first link (the ``genesis``)."""
from __future__ import annotations

import hashlib
import json

# json.dumps with these arguments builds a new encoder per call; one built once writes the same bytes.
_CHAIN_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def chain_hash(prev_hash: str, response: dict, answers: list[tuple[str, str]]) -> str:
    """The hash that chains a response to the one before it; ``verify`` recomputes it."""
    body = _CHAIN_JSON.encode({
        "prev": prev_hash, "survey": response["survey_id"], "point": response["point_id"],
        "version": response["questionnaire_version"], "key": response["submission_key"],
        "at": response["submitted_at"], "answers": sorted(answers),
    })
    return hashlib.sha256(body.encode()).hexdigest()


def survey_digest(heads: list[tuple[int, str]]) -> str:
    """One digest over a survey's chain heads ((point id, head hash) pairs): write it down, and a later
    ``manyi verify`` shows whether anything before it was changed."""
    text = "\n".join(f"{point}:{head}" for point, head in sorted(heads))
    return hashlib.sha256(text.encode()).hexdigest()


class Chains:
    def chain_heads(self, survey_id: int) -> list[dict]:
        """Each point's chain head: point id, newest response id (0: none yet) and its hash."""
        return self._read().rows(
            "select h.point_id, h.response_id, h.hash from chain_heads h join points p on p.id = h.point_id"
            " where p.survey_id = ? order by h.point_id", [survey_id])

    def survey_digest(self, survey_id: int) -> tuple[int, str]:
        """(responses stored, digest over the survey's chain heads)."""
        heads = self.chain_heads(survey_id)
        count = self._read().value("select coalesce(sum(n), 0) from response_counts where survey_id = ?",
                                   [survey_id])
        return int(count), survey_digest([(h["point_id"], h["hash"]) for h in heads])

    def store_meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self._read().rows("select key, value from store_meta")}
