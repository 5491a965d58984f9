"""Receipts on the command line: `manyi receipt` (one survey's, for the evaluated department) and `manyi anchor`
(every survey's, appended to a file outside the database, hourly from cron: issue #13's heads file), and
reading either back for `manyi verify --receipt`.

An anchors file holds one receipt per line (JSON), a new line for a survey only when its data changed.
Its newest line per survey covers the earlier ones (a point's chain only grows), so verify checks that
line against the database, and every line's signature.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..store import get_store
from ..store.receipts import FORMAT, digest, fingerprint, signature_ok


def _is_receipt(document) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT and isinstance(document.get("survey_id"), int)


def read_receipts(path: str) -> list[tuple[int | None, dict]]:
    """(line number or None, receipt) for a receipt file (one JSON document) or an anchors file (one per line)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, ValueError) as e:
        raise click.ClickException(f"cannot read the receipt {path}: {e}") from None
    try:
        document = json.loads(text)
    except ValueError as e:
        document, error = None, e
    if document is not None:
        if not _is_receipt(document):
            raise click.ClickException(f"{path} is not a Manyi receipt")
        return [(None, document)]
    if len([line for line in text.splitlines() if line.strip()]) <= 1:  # one document, and not JSON
        raise click.ClickException(f"cannot read the receipt {path}: {error}")
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except ValueError:
            document = None
        if not _is_receipt(document):
            torn = number == len(text.splitlines()) and not text.endswith("\n")
            raise click.ClickException(f"{path}, line {number}: not a Manyi receipt"
                                       + (" (the last line is cut short: an append that did not finish)" if torn else ""))
        found.append((number, document))
    if not found:
        raise click.ClickException(f"{path} is not a Manyi receipt (it is empty)")
    return found


def newest_per_survey(receipts: list[tuple[int | None, dict]]) -> list[tuple[int | None, dict]]:
    """The last line of each survey, in survey order."""
    newest = {}
    for number, receipt in receipts:
        newest[receipt["survey_id"]] = (number, receipt)
    return [newest[k] for k in sorted(newest)]


def check_receipts(database, receipts: list[tuple[int | None, dict]]) -> list[str]:
    """Every way the database does not extend the receipts: each line's signature, and the newest
    receipt of each survey against the data."""
    newest = newest_per_survey(receipts)
    checked = {number for number, _ in newest}
    problems = [f"line {number}: the receipt's signature does not fit its content (the line was altered)"
                for number, receipt in receipts if number not in checked and not signature_ok(receipt)]
    several = len(receipts) > 1
    for number, receipt in newest:
        where = f"survey {receipt['survey_id']}, receipt of {receipt.get('as_of')}" + (f" (line {number})" if number else "")
        problems += [f"{where}: {p}" if several else p for p in database.check_receipt(receipt)]
    return problems


def receipt_counts(receipts: list[tuple[int | None, dict]]) -> list[str]:
    """What the receipts say the database held (for a database too damaged to read)."""
    return [f"the receipt of {r.get('as_of')} covers {p.get('responses')} responses at point {p.get('code')}"
            for _, r in newest_per_survey(receipts) for p in r.get("points", [])]


@click.command("receipt")
@click.argument("survey_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Where to write the receipt (JSON).")
@with_appcontext
def receipt_command(survey_id, out):
    """Write a signed receipt of a survey's chain heads and counts, for the evaluated department to keep.

    Example: manyi receipt 1 --out 回执-1.json   (later: manyi verify --receipt 回执-1.json)
    """
    if get_store().get_survey(survey_id) is None:
        raise click.ClickException(f"no survey with id {survey_id}")
    receipt = get_store().receipt(survey_id)
    Path(out).write_text(json.dumps(receipt, ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(f"Wrote {out}: {receipt['counts']['returned']} responses as of {receipt['as_of']},"
               f" digest {digest(receipt)[:16]}, public key {fingerprint(receipt['public_key'])}")


@click.command("anchor")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def anchor_command(path):
    """Append to PATH a signed receipt of every survey whose data changed since its last line there
    (one JSON line each; PATH is created if missing). Run it every hour, and keep PATH off the database's
    machine or append-only: `manyi verify --receipt PATH` then finds any rewrite of what it covers.

    Example (crontab): 5 * * * * cd /srv/manyi && .venv/bin/manyi anchor /var/lib/manyi/anchors.jsonl
    """
    known = {}
    if Path(path).exists() and Path(path).stat().st_size:
        known = {r["survey_id"]: digest(r) for _, r in newest_per_survey(read_receipts(path))}
    store = get_store()
    lines = []
    surveys = store.list_surveys()
    for survey in surveys:
        receipt = store.receipt(survey["id"])
        if known.get(survey["id"]) != digest(receipt):
            lines.append(json.dumps(receipt, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n")
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write("".join(lines))
            out.flush()
            os.fsync(out.fileno())
    except OSError as e:
        raise click.ClickException(f"cannot append to {path}: {e}") from None
    click.echo(f"Appended {len(lines)} receipt(s) to {path} ({len(surveys) - len(lines)} survey(s) unchanged)")
