"""The separation in DESIGN.md section 4: analysis/ knows no Flask or database, only survey_app/store/
touches a database (imports a driver, holds SQL), no module grows past 300 lines, and survey_app/ keeps
no cache in a module global (caches belong to the objects that own them: the Store, the Catalogue)."""
import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATABASE_MODULES = {"sqlite3", "_sqlite3", "sqlite_utils", "psycopg", "psycopg_pool", "psycopg2"}
STORE = REPO / "survey_app" / "store"
MAX_LINES = 300
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
            " if m.split('.')[0] in ('flask', 'werkzeug', 'sqlite3', '_sqlite3', 'sqlite_utils', 'psycopg',"
            " 'survey_app'))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def in_store(path: Path) -> bool:
    return STORE in path.parents


def test_only_the_store_imports_a_database_driver():
    files = python_files("survey_app", "analysis")
    assert any(in_store(p) for p in files) and len(files) > 5
    offenders = {str(p.relative_to(REPO)): sorted(imported_modules(p.read_text(encoding="utf-8")) & DATABASE_MODULES)
                 for p in files if not in_store(p)}
    assert {p: m for p, m in offenders.items() if m} == {}
    drivers = set().union(*(imported_modules(p.read_text(encoding="utf-8")) for p in files if in_store(p)))
    assert {"sqlite3", "psycopg"} <= drivers  # the scanner sees the drivers where they are


def test_no_sql_outside_the_store():
    files = [p for p in python_files("survey_app", "analysis") if not in_store(p)]
    found = {str(p.relative_to(REPO)): sql_strings(p.read_text(encoding="utf-8")) for p in files}
    assert {p: s for p, s in found.items() if s} == {}
    assert sql_strings((STORE / "responses.py").read_text(encoding="utf-8"))  # the scanner sees SQL where it is


def test_no_module_is_over_300_lines():
    long = {str(p.relative_to(REPO)): n for p in python_files("survey_app", "analysis")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def module_caches(source: str) -> list[str]:
    """Module-level dicts, lists and sets the code changes (a method called on them, an item assigned
    or deleted), and ``lru_cache``/``cache`` on module-level functions that read files or a database."""
    tree = ast.parse(source)
    mutable = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        value = getattr(node, "value", None)
        if isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)) or (
                isinstance(value, ast.Call) and getattr(value.func, "id", None) in ("dict", "list", "set", "OrderedDict",
                                                                                      "defaultdict", "WeakValueDictionary")):
            mutable.update({t.id: node.lineno for t in targets if isinstance(t, ast.Name)})
    changers = {"append", "extend", "insert", "add", "update", "setdefault", "pop", "popitem", "clear", "remove",
                "discard", "__setitem__"}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in changers \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in mutable:
            found.add(node.func.value.id)
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            for t in getattr(node, "targets", [getattr(node, "target", None)]):
                if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id in mutable:
                    found.add(t.value.id)
    reads = re.compile(r"\b(open|read_text|read_bytes|glob|iterdir|listdir|scandir|stat|execute|query|connect)\(")
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = {getattr(d, "id", getattr(d, "attr", None)) or getattr(getattr(d, "func", None), "id", None)
                          or getattr(getattr(d, "func", None), "attr", None) for d in node.decorator_list}
            if decorators & {"lru_cache", "cache"} and reads.search(ast.unparse(node)):
                found.add(node.name)
    return sorted(found)


def test_module_cache_scanner_finds_what_it_looks_for():
    assert module_caches("_seen = {}\ndef f(k):\n    _seen[k] = 1\n") == ["_seen"]
    assert module_caches("_files: dict = {}\ndef f(k):\n    _files.setdefault(k, 1)\n") == ["_files"]
    assert module_caches("from functools import lru_cache\n@lru_cache(maxsize=8)\ndef load(p):\n"
                         "    return open(p).read()\n") == ["load"]
    assert module_caches("FIXED = {'a': 1}\n@lru_cache\ndef pure(s):\n    return s.upper()\n") == []


def test_no_module_level_cache_in_survey_app():
    found = {str(p.relative_to(REPO)): module_caches(p.read_text(encoding="utf-8")) for p in python_files("survey_app")}
    assert {p: c for p, c in found.items() if c} == {}
