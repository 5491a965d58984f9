import atexit
import itertools
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from survey_app import create_app
from survey_app.store import EXTENSION, open_store

# Every store, app and server of the suite (live servers inherit it) keys its chains with this; a test of
# the key's own rules sets or removes it (tests/test_trust.py).
TEST_CHAIN_KEY = "manyi-test-chain-key-0123456789abcdef"
os.environ.setdefault("FLASK_CHAIN_KEY", TEST_CHAIN_KEY)

# Every command and server the tests start runs this checkout's code (not another one the venv was installed
# from), and every app, here or there, keeps its instance folder in a temporary one (tests/shim/sitecustomize.py):
# the tests write nothing into the checkout.
REPO = Path(__file__).resolve().parent.parent
if "MANYI_TEST_INSTANCE" not in os.environ:  # once, though a test module imports this file again (tests.conftest)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(REPO / "tests" / "shim"), str(REPO),
                                                *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])
    os.environ["MANYI_TEST_INSTANCE"] = tempfile.mkdtemp(prefix="manyi-test-instance-")
    atexit.register(shutil.rmtree, os.environ["MANYI_TEST_INSTANCE"], ignore_errors=True)
from tests.shim.sitecustomize import use_test_instance  # noqa: E402

use_test_instance()

pytest_plugins = ["tests.live"]  # live_server, live_server_factory: gunicorn on a free port

# make test is a check, not an exploration: the same examples every run, no wall-clock deadlines on a
# shared 2-core machine (speed is measured in bench/), and the long random soaks live in bench/.
settings.register_profile("manyi", deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("manyi")


BACKENDS = ("sqlite", "postgresql")
TEMPLATE = "manyi_template"
_database_numbers = itertools.count(1)


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: about SQLite itself (its WAL, flock or fsync); not run on PostgreSQL")
    config.addinivalue_line("markers", "postgresql_only: about the PostgreSQL server itself (stopped, dumped)")


def pytest_generate_tests(metafunc):
    """Every test that stores something (it asks for ``app``, ``database`` or ``database_url``) runs on
    both databases, but for those marked ``sqlite_only``."""
    if "backend" in metafunc.fixturenames:
        only = [kind for kind in BACKENDS if metafunc.definition.get_closest_marker(f"{kind}_only")]
        metafunc.parametrize("backend", only or BACKENDS)


@pytest.fixture(scope="session")
def pg():
    """A throwaway PostgreSQL server (tests/pg_cluster.py) with a migrated template database. A machine
    where PostgreSQL cannot start fails here, loudly: it is never skipped."""
    from tests.pg_cluster import Cluster

    cluster = Cluster()
    cluster.create_database(TEMPLATE)
    template = open_store(cluster.url(TEMPLATE))
    template.migrate()
    template.close()
    yield cluster
    cluster.stop()


@pytest.fixture
def database_url(backend, tmp_path, request):
    """make(name="manyi") -> a new, empty (migrated, on PostgreSQL) database of the test's backend:
    a file in tmp_path, or a database copied from the migrated template."""
    made = []

    def make(name: str = "manyi") -> str:
        if backend == "sqlite":
            return str(tmp_path / f"{name}.sqlite3")
        server = request.getfixturevalue("pg")
        dbname = f"t{os.getpid()}_{next(_database_numbers)}"
        server.create_database(dbname, template=TEMPLATE)
        made.append(dbname)
        return server.url(dbname)

    yield make
    for dbname in made:
        request.getfixturevalue("pg").drop_database(dbname)


@pytest.fixture
def app(database_url):
    from tests.helpers import NO_DEFENCES  # tests/test_stuffing.py's own app has the defaults

    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": database_url(), **NO_DEFENCES})
    yield app
    app.extensions[EXTENSION].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def database(app):
    """The app's store, for setting up and checking what was stored (tests open a second one,
    ``open_store(app.config["DATABASE"])``, where another process's view matters)."""
    return app.extensions[EXTENSION]


@pytest.fixture
def yining(app, database):
    """The Yining 2024 survey with two collection points; returns (survey_id, [point codes]). Made as Manyi
    makes one: with the digest of its questionnaire (a survey without one gets it at the next start)."""
    from survey_app import questionnaires

    survey_id = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1,
                                 questionnaire_digest=questionnaires.catalogue(app).get("yining-2024-public", 1).digest,
                                 title="2024年伊宁市医疗保障局部门整体绩效满意度调查", department="伊宁市医疗保障局",
                                 year=2024, evaluator_org="新疆政通众和商务咨询有限公司", target=95.0, target_n=50)
    codes = [database.add_point(survey_id, name)["code"] for name in ("业务大厅", "1号窗口")]
    return survey_id, codes


@pytest.fixture
def evaluator(app, database):
    """An evaluator account (tests.admin_helpers.EVALUATOR / EVALUATOR_PASSWORD); returns its user id."""
    from survey_app.admin.auth import hash_password
    from tests.admin_helpers import EVALUATOR, EVALUATOR_PASSWORD

    return database.create_user(EVALUATOR, hash_password(EVALUATOR_PASSWORD))


@pytest.fixture
def admin_client(client, evaluator, yining, database):
    """A test client logged in as the evaluator, who was granted the Yining survey (``yining``)."""
    from tests.admin_helpers import login

    database.grant(evaluator, yining[0])
    assert login(client).status_code == 302
    return client
