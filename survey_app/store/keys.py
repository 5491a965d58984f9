"""The chain key: the secret kept outside the database under which every chain link is an HMAC.

Whoever holds the database file but not the key cannot rewrite a response, an exclusion, an audit line
or a survey's target and make ``manyi verify`` pass: each link is HMAC-SHA256(key, link bytes) and the
heads carry a MAC of their own. The key comes from ``FLASK_CHAIN_KEY`` (any string; 32 random bytes as
hex are best: ``python -c "import secrets; print(secrets.token_hex(32))"``) or the instance file
``chain.key``, which a single SQLite server writes on its first start as it does the secret key. On
PostgreSQL (several servers, each of which would otherwise make its own) the app refuses to start
without one. Rotation: see README ("The chain key"); a new key starts new links, the old key must be
kept to verify the old ones.
"""
from __future__ import annotations

import hashlib
import hmac
import os

ENV = "FLASK_CHAIN_KEY"
_BLOCK = 64  # SHA-256's block size
# A key typed by hand (a word, a name, "changeme") is guessable; a random one is not. Manyi's own keys and the
# README's command are 32 random bytes as 64 hex digits: at least 32 bytes of which 8 differ passes any of them.
MIN_KEY_BYTES, MIN_KEY_DISTINCT = 32, 8
RECIPE = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


def weak_key(secret: bytes | str, name: str) -> str | None:
    """Why the key ``name`` is too weak to be a random key (one line), or None: fewer than 32 bytes, or fewer
    than 8 different ones (aaaa…, 0000…)."""
    raw = (bytes(secret) if isinstance(secret, (bytes, bytearray)) else str(secret).encode()).strip()  # str: a
    # FLASK_SECRET_KEY of digits is read as a JSON number
    if len(raw) < MIN_KEY_BYTES:
        why = f"is {len(raw)} characters long"
    elif len(set(raw)) < MIN_KEY_DISTINCT:
        why = f"repeats {len(set(raw))} characters"
    else:
        return None
    return (f"{name} {why}: too weak to be a random key (at least {MIN_KEY_BYTES} characters); make one with"
            f" {RECIPE}")


class ChainKey:
    """HMAC-SHA256 under one key, in Python and (through its pads) inside a PostgreSQL statement."""

    def __init__(self, secret: bytes | str):
        raw = secret.encode() if isinstance(secret, str) else bytes(secret)
        if not raw.strip():
            raise ValueError("the chain key is empty")
        self._raw = raw.strip()
        self.source = ""  # where the app found it (store.app_chain_key), for messages
        self.written = ""  # the file store.app_chain_key wrote it to just now, if it did
        block = hashlib.sha256(self._raw).digest() if len(self._raw) > _BLOCK else self._raw
        block = block.ljust(_BLOCK, b"\0")
        # HMAC(K, m) = SHA256(opad ‖ SHA256(ipad ‖ m)): PostgreSQL's sha256() does it with these two parameters
        self.ipad = bytes(b ^ 0x36 for b in block)
        self.opad = bytes(b ^ 0x5C for b in block)

    def mac(self, data: bytes | str) -> str:
        """HMAC-SHA256 of ``data`` as hex."""
        return hmac.new(self._raw, data.encode() if isinstance(data, str) else data, hashlib.sha256).hexdigest()

    def derive(self, purpose: str) -> bytes:
        """32 bytes for another use of the same secret (e.g. the receipts' signing key)."""
        return hmac.new(self._raw, b"manyi " + purpose.encode(), hashlib.sha256).digest()

    def weakness(self) -> str | None:
        """weak_key of this key, named by where the app found it."""
        return weak_key(self._raw, f"the chain key from {self.source or ENV}")

    @property
    def fingerprint(self) -> str:
        """A short name of the key (not the key): to tell which key a database was keyed with."""
        return self.mac("fingerprint")[:16]


def mac_sql(message: str) -> str:
    """SQL (hex text) for HMAC-SHA256 of the bytea expression ``message`` under the parameters :ipad/:opad."""
    return f"encode(sha256(:opad || sha256(:ipad || {message})), 'hex')"


def key_from_env() -> ChainKey | None:
    value = os.environ.get(ENV, "")
    return ChainKey(value) if value.strip() else None
