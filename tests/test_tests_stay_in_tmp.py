"""Running the tests writes nothing into the checkout: the `manyi` commands and servers they start keep the
app's instance folder (demo's config.py and qr/ posters, a chain.key, the default database) in a temporary
folder (tests/conftest.py, tests/shim/sitecustomize.py), and run this checkout's code."""
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import CHECKOUT_ENV, demo_database

REPO = Path(__file__).resolve().parent.parent


def _tree(folder: Path) -> dict:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*")} if folder.exists() else {}


def test_the_demo_run_by_a_test_writes_its_config_and_posters_into_a_temporary_instance(tmp_path):
    before = _tree(REPO / "instance")
    demo_database(str(tmp_path / "demo.sqlite3"))
    assert _tree(REPO / "instance") == before
    instance = Path(os.environ["MANYI_TEST_INSTANCE"])
    assert (instance / "config.py").exists() and list((instance / "qr").rglob("*-poster.html"))


def test_the_commands_run_this_checkouts_code():
    where = subprocess.run([sys.executable, "-c", "import survey_app; print(survey_app.__file__)"],
                           env={"PATH": "/usr/bin:/bin", **CHECKOUT_ENV}, cwd="/", capture_output=True, text=True,
                           check=True).stdout.strip()
    assert where == str(REPO / "survey_app" / "__init__.py")
