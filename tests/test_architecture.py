"""The separation in DESIGN.md section 4: analysis/ knows no Flask or SQLite, only survey_app/db.py
touches SQLite, and no view writes SQL."""
import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SQLITE_MODULES = {"sqlite3", "_sqlite3", "sqlite_utils"}
SQL = re.compile(r"\bselect\s+(?:\*|count\s*\(|distinct\b|[\w.]+\s*(?:,|\bfrom\b))|\binsert\s+(?:or\s+\w+\s+)?into\b"
                 r"|\bupdate\s+\w+\s+set\b|\bdelete\s+from\b|\b(?:create|drop|alter)\s+(?:table|index|view|trigger)\b"
                 r"|\bpragma\s+\w+|\bbegin\s+(?:immediate|exclusive|transaction)\b", re.I)


def python_files(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (REPO / package).rglob("*.py"))


def imported_modules(source: str) -> set[str]:
    """Top-level names of every module an import statement (or importlib.import_module("x")) brings in."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")):
            found.add(node.args[0].value.split(".")[0])
    return found


def sql_strings(source: str) -> list[str]:
    """String literals that look like SQL (docstrings left out: they may mention SQL in prose)."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and SQL.search(node.value)]


def test_scanners_find_what_they_look_for():
    assert imported_modules("import os, sqlite3\nfrom sqlite_utils.db import Table\n"
                            "importlib.import_module('sqlite3')") == {"os", "sqlite3", "sqlite_utils"}
    assert imported_modules("from . import db\nfrom .db import connect") == set()
    found = sql_strings('"""Select answers from the form."""\nq = "select id from responses where x = ?"\n'
                        'w = "INSERT INTO answers values (?)"\nm = "请选择一项后再提交。"\n'
                        'def f():\n    "select a from b in prose"\n    return f"update tallies set n = {1}"\n')
    assert sorted(found) == ["INSERT INTO answers values (?)", "select id from responses where x = ?",
                             "update tallies set n = "]  # f-string parts count too
    assert not sql_strings('"""Only a docstring: select id from t."""\nx = "Select one option from the list"\n')


def test_importing_analysis_loads_no_flask_and_no_sqlite():
    if not [p for p in python_files("analysis") if p.name != "__init__.py"]:
        pytest.skip("analysis/ is still an empty package (a colleague is writing it)")
    code = ("import json, sys, analysis; print(json.dumps(sorted(m for m in sys.modules"
            " if m.split('.')[0] in ('flask', 'werkzeug', 'sqlite3', '_sqlite3', 'sqlite_utils', 'survey_app'))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_only_db_py_imports_sqlite():
    files = python_files("survey_app", "analysis")
    assert REPO / "survey_app" / "db.py" in files and len(files) > 5
    offenders = {str(p.relative_to(REPO)): sorted(imported_modules(p.read_text(encoding="utf-8")) & SQLITE_MODULES)
                 for p in files if p != REPO / "survey_app" / "db.py"}
    assert {p: m for p, m in offenders.items() if m} == {}
    assert imported_modules((REPO / "survey_app" / "db.py").read_text(encoding="utf-8")) & SQLITE_MODULES


def test_no_sql_outside_db_py():
    files = [p for p in python_files("survey_app", "analysis") if p != REPO / "survey_app" / "db.py"]
    found = {str(p.relative_to(REPO)): sql_strings(p.read_text(encoding="utf-8")) for p in files}
    assert {p: s for p, s in found.items() if s} == {}
    assert sql_strings((REPO / "survey_app" / "db.py").read_text(encoding="utf-8"))  # the scanner sees SQL where it is
