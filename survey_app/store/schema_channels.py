"""Migrations for answers that come in by another channel than the citizens' own phone (schema.py, which registers
them after its own, is full): paper forms entered by an evaluator now (store/paper.py); kiosks and assisted answering
later. The same names on PostgreSQL (schema_pg.py)."""
from __future__ import annotations

from .schema import migrations

# The responses that did not come by QR code, per survey and point: a partial index, so a citizen's submit (扫码)
# writes no entry into it, and the dashboard counts paper answers without reading the scanned ones. Queries that
# use it say ``channel <> '扫码'`` as the index does (SQLite matches the condition as written).
NOT_SCANNED = "channel <> '扫码'"
_M019 = f"create index idx_responses_not_scanned on responses (survey_id, point_id) where {NOT_SCANNED}"


@migrations()
def m019_not_scanned_index(db):
    db.execute(_M019)
