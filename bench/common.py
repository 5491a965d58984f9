"""Shared by the bench scripts: the machine and versions, and rewriting one marked section of
bench/RESULTS.md (each bench owns the part between ``<!-- name -->`` and ``<!-- /name -->``)."""
from __future__ import annotations

import argparse

import os
import platform
import subprocess
import sys
from datetime import date
from importlib import metadata
from pathlib import Path

# The benches' stores and servers key their chains with this (a deployment sets its own: README).
os.environ.setdefault("FLASK_CHAIN_KEY", "manyi-bench-chain-key-0123456789abcdef")

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def machine(packages=("flask", "werkzeug", "sqlite-utils", "gunicorn")) -> str:
    cpu, ram = "unknown", "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    import sqlite3

    versions = ", ".join(f"{p} {metadata.version(p)}" for p in packages)
    return (f"Machine: {platform.machine()}, nproc {os.cpu_count()}, {cpu}, RAM {ram}; Linux {platform.release()}; "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {versions}; date {date.today()}.")


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def write_section(name: str, text: str, path: Path = RESULTS) -> None:
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    block = f"{start}\n{text.strip()}\n{end}"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in old and end in old:
        new = old[:old.index(start)] + block + old[old.index(end) + len(end):]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new, encoding="utf-8")
    print(f"wrote the {name} section of {path}")


def bench_parser(doc: str) -> argparse.ArgumentParser:
    """A bench script's arguments: the first docstring line as description, and --no-write."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    return parser


def finish(name: str, text: str, args: argparse.Namespace, ok: bool = True) -> int:
    """Print the section, write it to bench/RESULTS.md unless --no-write; the exit code (1: goal missed)."""
    print(text)
    if not args.no_write:
        write_section(name, text)
    return 0 if ok else 1


def fmt_int(x: float) -> str:
    return f"{x:,.0f}"
