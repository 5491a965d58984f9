"""`manyi serve` listens on loopback unless told a buffering proxy is in front (issue #13: a few idle
connections stop gunicorn's sync workers; nginx with deploy/nginx-manyi.conf holds them instead)."""
import os

import pytest
from click.testing import CliRunner

from survey_app.cli import is_loopback, serve_command


@pytest.fixture
def exec_calls(monkeypatch, tmp_path):
    """The command line serve would exec, instead of exec'ing it (with a database that exists)."""
    calls = []
    monkeypatch.setattr(os, "execvp", lambda path, argv: calls.append(argv))
    (tmp_path / "manyi.sqlite3").touch()
    monkeypatch.setenv("FLASK_DATABASE", str(tmp_path / "manyi.sqlite3"))
    return calls


def test_serve_never_starts_on_a_database_that_is_not_there(exec_calls, monkeypatch, tmp_path):
    """A mistyped FLASK_DATABASE would have the servers start an empty database that nobody looks at."""
    monkeypatch.setenv("FLASK_DATABASE", str(tmp_path / "typo" / "manyi.sqlite3"))
    result = CliRunner().invoke(serve_command, ["--bind", "127.0.0.1:8000"])
    assert result.exit_code == 1 and exec_calls == [] and "no database at" in result.output
    assert "manyi init-db" in result.output and not (tmp_path / "typo").exists()


@pytest.mark.parametrize("bind", ["0.0.0.0:8000", ":8000", "10.1.2.3:80", "[::]:8000", "manyi.example.cn:8000"])
def test_serve_refuses_an_address_others_can_reach_and_says_why(bind, exec_calls):
    result = CliRunner().invoke(serve_command, ["--bind", bind])
    assert result.exit_code == 1 and exec_calls == []
    assert "idle or slow clients" in result.output and "deploy/nginx-manyi.conf" in result.output
    assert "--behind-proxy" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_serve_behind_a_proxy_binds_where_it_is_told(exec_calls):
    result = CliRunner().invoke(serve_command, ["--bind", "0.0.0.0:8000", "--behind-proxy", "--workers", "3"])
    assert result.exit_code == 0, result.output
    (argv,) = exec_calls
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8000" and argv[argv.index("--workers") + 1] == "3"
    assert "python:survey_app.gunicorn_conf" in argv


@pytest.mark.parametrize("bind", ["127.0.0.1:8000", "localhost:5000", "[::1]:8000", "unix:/run/manyi/gunicorn.sock"])
def test_serve_on_loopback_needs_no_flag(bind, exec_calls):
    assert CliRunner().invoke(serve_command, ["--bind", bind]).exit_code == 0
    assert len(exec_calls) == 1


def test_a_name_is_not_taken_for_loopback():
    assert not is_loopback("fd://3") and not is_loopback("localhost.example.cn:80") and is_loopback("127.0.0.2:80")


@pytest.mark.parametrize("workers", ["0", "-2", "many"])
def test_serve_refuses_a_worker_count_gunicorn_cannot_run(workers, exec_calls):
    """gunicorn given 0 workers would start a master that serves nobody; the operator hears it at once."""
    result = CliRunner().invoke(serve_command, ["--workers", workers])
    assert result.exit_code == 2 and exec_calls == [] and "--workers" in result.output


def test_manyi_version_names_manyi_not_flask():
    """A bug report starts with `manyi --version`: Manyi's own version, then what it runs on."""
    from tests.helpers import manyi

    done = manyi("--version")
    assert done.returncode == 0 and done.stdout.startswith("Manyi 0."), done.stdout + done.stderr
    assert "Flask" in done.stdout and "Python" in done.stdout
