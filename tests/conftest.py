import pytest
from hypothesis import HealthCheck, settings

from survey_app import create_app
from survey_app.store import EXTENSION

pytest_plugins = ["tests.live"]  # live_server, live_server_factory: gunicorn on a free port

# make test is a check, not an exploration: the same examples every run, no wall-clock deadlines on a
# shared 2-core machine (speed is measured in bench/), and the long random soaks live in bench/.
settings.register_profile("manyi", deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("manyi")


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": str(tmp_path / "manyi.sqlite3")})
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
    """The Yining 2024 survey with two collection points; returns (survey_id, [point codes])."""
    survey_id = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1,
                                 title="2024年伊宁市医疗保障局部门整体绩效满意度调查", department="伊宁市医疗保障局",
                                 year=2024, evaluator_org="新疆政通众和商务咨询有限公司", target=95.0, target_n=50)
    codes = [database.add_point(survey_id, name)["code"] for name in ("业务大厅", "1号窗口")]
    return survey_id, codes


@pytest.fixture
def evaluator(app, database):
    """An evaluator account (tests.admin_helpers.EVALUATOR / EVALUATOR_PASSWORD); returns its user id."""
    from survey_app.auth import hash_password
    from tests.admin_helpers import EVALUATOR, EVALUATOR_PASSWORD

    return database.create_user(EVALUATOR, hash_password(EVALUATOR_PASSWORD))


@pytest.fixture
def admin_client(client, evaluator, yining, database):
    """A test client logged in as the evaluator, who was granted the Yining survey (``yining``)."""
    from tests.admin_helpers import login

    database.grant(evaluator, yining[0])
    assert login(client).status_code == 302
    return client
