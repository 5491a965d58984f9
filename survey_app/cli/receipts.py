"""Receipts on the command line: `manyi receipt` (one survey's, for the evaluated department) and `manyi anchor`
(every survey's, appended to a file outside the database, hourly from cron: issue #13's heads file), and
reading either back for `manyi verify --receipt`.

An anchors file holds one receipt per line (JSON), a new line for a survey only when its data changed, and a
line of the account chain's head when it moved (store/account_anchor.py: a rollback of the accounts shows).
verify checks every line against the database (a rewrite that was anchored afterwards fits the newer lines,
not the older ones); anchor refuses to append while the database no longer holds what the last lines cover.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..store import get_store
from .common import ROW_ID, ManyiCommand, existing_store
from ..store.account_anchor import ACCOUNTS_FORMAT
from ..store.receipts import FORMAT, digest, fingerprint, short_digest, signature_ok


DOCUMENTS_ZONE = "Asia/Shanghai"  # a receipt checked away from any deployment: the zone the documents print (UTC+8)


def _is_receipt(document) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT and isinstance(document.get("survey_id"), int)


def _is_accounts(document) -> bool:
    return isinstance(document, dict) and document.get("format") == ACCOUNTS_FORMAT and isinstance(
        document.get("accounts"), dict)


@dataclass(frozen=True)
class ReceiptFile:
    """A receipt file (one JSON document: ``single``) or an anchors file (one receipt per line, numbered)."""

    receipts: tuple[tuple[int | None, dict], ...]
    single: bool = False
    torn: int | None = None  # an anchors file's last line, cut short by an append that did not finish (ignored)


def read_receipts(path: str, *, may_be_empty: bool = False) -> ReceiptFile:
    """A receipt file or an anchors file, or a one-line ClickException saying what is wrong with it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, ValueError) as e:
        raise click.ClickException(f"cannot read {path}: {e.strerror if isinstance(e, OSError) else e}") from None
    if not text.strip():
        if may_be_empty:
            return ReceiptFile(())
        raise click.ClickException(f"{path} is empty: not a Manyi receipt")
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if document is not None and not (_is_receipt(document) or _is_accounts(document)):
        raise click.ClickException(f"{path} is not a Manyi receipt")
    if document is not None and "\n" in text.strip() and _is_receipt(document):  # manyi receipt's file
        return ReceiptFile(((None, document),), single=True)
    lines = text.splitlines()
    if len([line for line in lines if line.strip()]) == 1 and document is None:  # one document, and not JSON
        raise click.ClickException(f"{path} is not a Manyi receipt (not JSON)")
    found, torn = [], None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except ValueError:
            document = None
        if _is_receipt(document) or _is_accounts(document):
            found.append((number, document))
        elif number == len(lines) and not text.endswith("\n") and found:
            torn = number  # the last append did not finish: what it held was never complete
        else:
            raise click.ClickException(f"{path}, line {number}: not a Manyi receipt")
    if not found:
        raise click.ClickException(f"{path} is not a Manyi receipt")
    return ReceiptFile(tuple(found), torn=torn)


def newest_per_survey(receipts) -> list[tuple[int | None, dict]]:
    """The last line of each survey, in survey order (the account chain's lines left out)."""
    newest = {}
    for number, receipt in receipts:
        if _is_receipt(receipt):
            newest[receipt["survey_id"]] = (number, receipt)
    return [newest[k] for k in sorted(newest)]


def newest_accounts(receipts) -> dict | None:
    """The last line of the account chain's head, if the file has one."""
    return next((line for _, line in reversed(receipts) if _is_accounts(line)), None)


def check_receipts(database, file: ReceiptFile) -> list[str]:
    """Every way the database does not extend the receipts: every line, not only each survey's newest (a
    rewrite anchored afterwards fits the newer lines; the older ones still hold what was there before)."""
    problems = []
    for number, receipt in file.receipts:
        if _is_accounts(receipt):
            problems += [f"line {number} (account chain): {p}" for p in database.check_accounts_anchor(receipt)]
            continue
        where = "" if number is None else f"line {number} (survey {receipt['survey_id']}, as of {receipt.get('as_of')}): "
        problems += [where + p for p in database.check_receipt(receipt)]
    return problems


def receipt_counts(file: ReceiptFile) -> list[str]:
    """What the receipts say the database held (for a database too damaged to read)."""
    return [f"the receipt of {r.get('as_of')} covers {p.get('responses')} responses at point {p.get('code')}"
            for _, r in newest_per_survey(file.receipts) for p in r.get("points", [])]


def _new_file(path: str, text: str) -> None:
    """Write ``text`` to ``path``, which must not exist yet (a kept receipt or an anchors file is never replaced)."""
    try:
        with open(path, "x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise click.ClickException(f"{path} exists already: choose a new file name (receipts are kept, not replaced)") from None
    except OSError as e:
        raise click.ClickException(f"cannot write {path}: {e.strerror}") from None


@click.command("receipt", cls=ManyiCommand)
@click.argument("survey_id", type=ROW_ID)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Where to write the receipt (JSON).")
@with_appcontext
def receipt_command(survey_id, out):
    """Write a signed receipt of a survey's chain heads and counts, for the evaluated department to keep.

    Example: manyi receipt 1 --out 回执-1.json   (later: manyi verify --receipt 回执-1.json)
    """
    if existing_store().get_survey(survey_id) is None:
        raise click.ClickException(f"no survey with id {survey_id}")
    receipt = get_store().receipt(survey_id)
    _new_file(out, json.dumps(receipt, ensure_ascii=False, indent=2))
    click.echo(f"Wrote {out}: {receipt['counts']['returned']} responses; {identity(receipt)}")


def identity(receipt: dict) -> str:
    """What the annex and the working paper print of a receipt, so a department can match its file to the
    paper: the 回执摘要 (a SHA-256 of the receipt's canonical JSON, not of the file's bytes), the public key's
    fingerprint and the time, local as the documents print it, beside the file's UTC ``as_of``."""
    from flask import current_app, has_app_context

    from ..localtime import shown

    zone = current_app.config["TIMEZONE"] if has_app_context() else DOCUMENTS_ZONE
    try:
        key = fingerprint(receipt.get("public_key") or "")
    except (TypeError, ValueError):
        key = "— (no valid public key in the file)"
    as_of = receipt.get("as_of") or ""
    when = (f"截至 {shown(as_of, zone, label='offset')}的数据 (as_of"
            f" {as_of[:19].replace('T', ' ')} UTC in the file)" if as_of else "nothing stored yet when it was made")
    return (f"回执摘要 {short_digest(receipt)} (receipt digest: SHA-256 of its canonical JSON, not of the file's"
            f" bytes); 评价机构签名公钥指纹 {key} (public key); {when}")


def identities(file: ReceiptFile) -> list[str]:
    """``identity`` of a receipt file (manyi receipt, 数据回执): the one a department matches to the paper;
    none for an anchors file (its lines are the evaluator's, never printed in a document)."""
    return [f"receipt of survey {r['survey_id']}: {identity(r)}" for _, r in file.receipts] if file.single else []


def _grouped(text: str) -> str:
    return "".join(text.split()).upper()


@click.command("check-receipt", cls=ManyiCommand)
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--fingerprint", "expected", metavar="FINGERPRINT",
              help="The 评价机构签名公钥指纹 printed in 附件3 or the C51 working paper (five groups of four, e.g."
                   " \"FCA9 DB51 FF29 1573 265F\"): the receipt must carry that key.")
def check_receipt_command(path, expected):
    """Check a receipt the evaluated department was given (数据回执), with no database and no key: that its
    signature fits what it says and, with --fingerprint, that it was signed by the key the documents name;
    prints what it covers and the 回执摘要 to match with the paper. Exit 1 when either fails.

    Example: manyi check-receipt 回执-1.json --fingerprint "FCA9 DB51 FF29 1573 265F"
    """
    file = read_receipts(path)
    if len(file.receipts) != 1 or not _is_receipt(file.receipts[0][1]):  # one receipt, pretty-printed or on one line
        raise click.ClickException(f"{path} is an anchors file, not one survey's receipt: check it against the"
                                   " database with manyi verify --receipt")
    receipt = file.receipts[0][1]
    if not signature_ok(receipt):
        raise click.ClickException(f"{path}: 签名不符 (the signature does not fit the receipt's content): the file"
                                   " was changed after it was signed, or is not a receipt Manyi made")
    try:
        key = fingerprint(receipt["public_key"])
    except (KeyError, TypeError, ValueError):  # signature_ok read the same key: not reached, kept for safety
        raise click.ClickException(f"{path}: no valid public key in the file") from None
    if expected is not None and _grouped(expected) != _grouped(key):
        raise click.ClickException(f"{path}: 公钥指纹不符 (public key fingerprint {key}, the documents print"
                                   f" {expected.strip()}): this receipt was not signed by the key the documents name")
    counts, points = receipt.get("counts", {}), receipt.get("points", [])
    click.echo(f"签名有效 (signature valid){'，公钥指纹与文件一致 (fingerprint matches)' if expected else ''}:"
               f" 第 {receipt['survey_id']} 号评价项目的数据回执 (survey {receipt['survey_id']});"
               f" 回收 {counts.get('returned')} 份，有效 {counts.get('valid')} 份，剔除 {counts.get('excluded')} 份;"
               f" 审核日志 {receipt.get('audit', {}).get('lines')} 条 (audit lines)")
    for point in points:
        click.echo(f"  采集点 {point.get('code')}: {point.get('responses')} 份 (responses up to id {point.get('head_id')})")
    click.echo(identity(receipt))
    if expected is None:
        click.echo("Compare the 回执摘要 and the 公钥指纹 above with those printed in 附件3 or the C51 working paper"
                   " (or pass --fingerprint). Whether the database still holds all of this: manyi verify --receipt")


@click.command("anchor", cls=ManyiCommand)
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def anchor_command(path):
    """Append to PATH a signed receipt of every survey whose data changed since its last line there
    (one JSON line each; PATH is created if missing). Run it every hour, and keep PATH off the database's
    machine or append-only: `manyi verify --receipt PATH` then finds any rewrite of what it covers.

    Example: manyi anchor /var/lib/manyi/anchors.jsonl   (hourly: deploy/manyi-anchor.timer, README "Hourly anchors")
    """
    file = read_receipts(path, may_be_empty=True) if Path(path).exists() else ReceiptFile(())
    if file.single:
        raise click.ClickException(f"{path} is a single receipt (manyi receipt), not an anchors file: choose another file")
    if file.torn:
        raise click.ClickException(
            f"{path}, line {file.torn}: cut short by an append that did not finish; nothing appended. Remove that"
            f" incomplete last line (e.g. truncate the file to the end of line {file.torn - 1}) and run again")
    store = get_store()
    last = dict((r["survey_id"], r) for _, r in newest_per_survey(file.receipts))
    problems = [f"survey {sid}, as of {r.get('as_of')}: {p}" for sid, r in last.items() for p in store.check_receipt(r)]
    accounts = newest_accounts(file.receipts)
    problems += [f"account chain: {p}" for p in (store.check_accounts_anchor(accounts) if accounts else [])]
    if problems:  # a rewrite since the last line: anchoring the new state would hide it
        for problem in problems:
            click.echo(problem)
        raise click.ClickException(f"the database no longer holds what {path} covers: nothing appended;"
                                   " run manyi verify --receipt on it and find out what changed")
    surveys = store.list_surveys()
    if not surveys:  # e.g. a cron job without FLASK_DATABASE, on a new empty file
        raise click.ClickException(f"{store.describe()} holds no survey: nothing to anchor (is FLASK_DATABASE set"
                                   " for this command?)")
    lines = []
    for survey in surveys:
        receipt = store.receipt(survey["id"])
        if survey["id"] not in last or digest(last[survey["id"]]) != digest(receipt):
            lines.append(json.dumps(receipt, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n")
    moved = store.accounts_anchor()
    moved = moved if moved is not None and (accounts is None or digest(accounts) != digest(moved)) else None
    if moved is not None:  # the account chain's head, when it moved (after the surveys': their count is said)
        lines.append(json.dumps(moved, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n")
    if lines:
        try:
            with open(path, "a", encoding="utf-8") as out:
                out.write("".join(lines))
                out.flush()
                os.fsync(out.fileno())
        except OSError as e:
            raise click.ClickException(f"cannot append to {path}: {e.strerror}") from None
    appended = len(lines) - (moved is not None)
    click.echo(f"Appended {appended} receipt(s){' and the account chain' if moved else ''} to {path}"
               f" ({len(surveys) - appended} survey(s) unchanged) from {store.describe()}")
