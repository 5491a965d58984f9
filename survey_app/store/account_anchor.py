"""The account chain in the anchors file: a signed line of where the account chain stood (its newest line and
how many lines it held), appended by `manyi anchor` beside the surveys' receipts whenever it moved.

The account chain (account_log.py) catches an account line edited, inserted or removed, and an account changed
behind Manyi's back; what it cannot catch alone is a rollback to an earlier genuine state: its newest lines
removed with the accounts and the head put back as they were (every MAC genuine), e.g. to undo a disable-user.
A line of the anchors file covering the removed lines finds it, as a survey's receipt finds a rollback of its
chains. The line is signed with the receipts' key (store/receipts.py), so it is checked as they are."""
from __future__ import annotations

from .receipts import _canonical, fingerprint, public_key_hex, signature_ok, signing_key

ACCOUNTS_FORMAT = "manyi-accounts-1"


class AccountAnchor:
    def accounts_anchor(self) -> dict | None:
        """The signed line for the anchors file; None before the account chain has a line."""
        conn = self._read()
        head = conn.one("select audit_id, hash from accounts_head where id = 1") \
            if self._has_table("accounts_head") else None
        if head is None or not head[0]:
            return None
        lines = conn.value("select count(*) from audit_log where survey_id is null and id <= ?", [head[0]])
        key = self._chain_key()
        body = {"format": ACCOUNTS_FORMAT, "accounts": {"lines": int(lines), "head_id": int(head[0]), "head": head[1]},
                "public_key": public_key_hex(key)}
        return {**body, "signature": signing_key(key).sign(_canonical(body)).hex()}

    def check_accounts_anchor(self, anchor: dict) -> list[str]:
        """Every way this database's account chain does not extend ``anchor`` (empty: it does)."""
        if not signature_ok(anchor):
            return ["the line's signature does not fit its content (the line was altered)"]
        key = getattr(self.backend, "chain_key", None)
        if key is not None and anchor["public_key"] != public_key_hex(key):
            return [f"the line was signed with another key (fingerprint {fingerprint(anchor['public_key'])}) than this"
                    f" database's chain key ({fingerprint(public_key_hex(key))}): not checked against this data"]
        conn = self._read()
        held = anchor["accounts"]
        if not self._has_table("accounts_head"):
            return [f"the line holds {held['lines']} account line(s); this database has no account chain"]
        lines = conn.value("select count(*) from audit_log where survey_id is null and id <= ?", [held["head_id"]])
        line = conn.value("select hash from audit_log where id = ? and survey_id is null", [held["head_id"]])
        head = conn.value("select audit_id from accounts_head where id = 1")
        if lines < held["lines"]:
            return [f"the line holds {held['lines']} account line(s) up to line {held['head_id']}; the"
                    f" database holds {lines} of them: {held['lines'] - lines} missing (removed or rolled back)"]
        if line != held["head"]:
            return [f"account line {held['head_id']} was rewritten or removed since it was anchored"]
        if head is None or head < held["head_id"]:
            return [f"the account chain's head is at line {head}, before the anchored line {held['head_id']}"
                    " (rolled back)"]
        return []
