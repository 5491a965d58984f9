"""The hash chains: one per collection point, so submits at different points never wait for each
other. Each response's hash covers the one before it at its point; the newest is kept in
``chain_heads``. Responses stored before per-point chains (``legacy_last_id``) form the old global
chain, whose head is every point chain's first link (the ``genesis``)."""
from __future__ import annotations

import hashlib
import json

# json.dumps with these arguments builds a new encoder per call; one built once writes the same bytes.
_CHAIN_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _chain_body(prev_hash: str, response: dict, answers: list[tuple[str, str]]) -> str:
    return _CHAIN_JSON.encode({
        "prev": prev_hash, "survey": response["survey_id"], "point": response["point_id"],
        "version": response["questionnaire_version"], "key": response["submission_key"],
        "at": response["submitted_at"], "answers": sorted(answers),
    })


def chain_hash(prev_hash: str, response: dict, answers: list[tuple[str, str]]) -> str:
    """The hash that chains a response to the one before it; ``verify`` recomputes it."""
    return hashlib.sha256(_chain_body(prev_hash, response, answers).encode()).hexdigest()


# The same link computed by PostgreSQL inside the submit's one statement (store/responses.py), so the point's
# head is read, linked and moved without a round trip in between. ``chain_parts`` gives the hashed JSON cut
# where the previous hash goes, UTF-8: ``before`` ends with ``"prev":``, ``after`` starts with the
# ``,"survey":`` that follows it (only numbers come after "prev" in key order, so the cut is found from the
# right). PostgreSQL puts the previous hash between them as a JSON string with ``to_json``, which escapes
# exactly as the encoder above (``"``, ``\``, \b \f \n \r \t, other controls as \u00xx, the rest as is):
# ``sha256(before || to_json(prev) || after)`` is ``chain_hash(prev, ...)`` byte for byte
# (tests/test_store_submit_pg.py checks both on awkward heads). Change the chain here and in nowhere else
# (an HMAC: ``sha256(:opad || sha256(:ipad || <the same bytes>))`` with the key's pads as bytea parameters).
_PREV = '"prev":""'


def chain_parts(response: dict, answers: list[tuple[str, str]]) -> tuple[bytes, bytes]:
    """(before, after): the hashed bytes of a response's link on either side of the previous hash."""
    body = _chain_body("", response, answers)
    cut = body.rindex(_PREV)
    return body[:cut + len(_PREV) - 2].encode(), body[cut + len(_PREV):].encode()


def chain_link_sql(prev: str) -> str:
    """SQL for a response's hash (hex text) after the head ``prev`` (an SQL text expression), from
    chain_parts' two parts passed as the bytea parameters ``:before`` and ``:after``."""
    return f"encode(sha256(:before || convert_to(to_json(({prev})::text)::text, 'UTF8') || :after), 'hex')"


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
