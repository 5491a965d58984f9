"""A key typed by hand (a word, a name, "changeme") is not a random key: serving refuses a weak secret key,
and a weak chain key never starts keying a database (store/keys.py, weak_key). A database keyed with a weak
chain key before keeps working (it cannot be re-keyed in place) and serving warns. Keys Manyi makes, and the
README's command, always pass."""
import os
import secrets
import subprocess

import pytest

from survey_app import check_deployable, create_app
from survey_app.store import StartupError, app_chain_key, open_store
from survey_app.store.keys import weak_key
from tests.helpers import CHECKOUT_ENV, MANYI, manyi

STRONG = secrets.token_hex(32)


@pytest.mark.parametrize("key", [secrets.token_hex(32), secrets.token_hex(16), secrets.token_urlsafe(32),
                                 "0123456789abcdef" * 4, os.environ["FLASK_CHAIN_KEY"]])
def test_random_keys_pass(key):
    assert weak_key(key, "FLASK_SECRET_KEY") is None


def test_the_chain_key_manyi_writes_passes(tmp_path, monkeypatch):
    from types import SimpleNamespace

    monkeypatch.delenv("FLASK_CHAIN_KEY")
    key = app_chain_key(SimpleNamespace(config={}, instance_path=str(tmp_path)), postgres=False)
    assert (tmp_path / "chain.key").exists() and key.weakness() is None


@pytest.mark.parametrize("key, why", [("changeme", "is 8 characters long"), ("a" * 40, "repeats 1 characters"),
                                      ("  manyi-2024  ", "is 10 characters long"), (20241, "is 5 characters long"),
                                      (b"0123456789", "is 10 characters long")])
def test_serving_with_a_weak_secret_key_is_refused(tmp_path, key, why):
    app = create_app({"SECRET_KEY": key, "DATABASE": str(tmp_path / "m.sqlite3")})
    with pytest.raises(RuntimeError, match=f"Manyi will not serve: FLASK_SECRET_KEY {why}: too weak") as raised:
        check_deployable(app)
    assert "secrets.token_hex(32)" in str(raised.value) and "\n" not in str(raised.value)
    check_deployable(create_app({"SECRET_KEY": STRONG, "DATABASE": str(tmp_path / "m.sqlite3")}))


def test_manyi_serve_with_a_weak_secret_key_says_so_in_one_line(tmp_path):
    database = str(tmp_path / "m.sqlite3")
    assert manyi("init-db", database=database).returncode == 0
    env = {"PATH": "/usr/bin:/bin", "FLASK_SECRET_KEY": "province-key", "FLASK_DATABASE": database,
           "FLASK_CHAIN_KEY": os.environ["FLASK_CHAIN_KEY"], **CHECKOUT_ENV}
    done = subprocess.run([MANYI, "serve", "--bind", "127.0.0.1:0", "--workers", "1"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == ["Error: Manyi will not serve: FLASK_SECRET_KEY is 12 characters long: too weak to be a random"
                     " key (at least 32 characters); make one with python3 -c 'import secrets;"
                     " print(secrets.token_hex(32))'"], done.stderr


def _empty_database(backend, tmp_path, request, name):
    if backend == "sqlite":
        return str(tmp_path / f"{name}.sqlite3")
    pg = request.getfixturevalue("pg")
    pg.create_database(name)  # no schema yet (the suite's template is keyed already)
    return pg.url(name)


def test_a_weak_chain_key_never_keys_a_database(backend, tmp_path, request):
    url = _empty_database(backend, tmp_path, request, f"weak{os.getpid()}")
    with pytest.raises(StartupError, match=r"Manyi will not key .*: the chain key from CHAIN_KEY .* is 9 characters"
                                           r" long: too weak to be a random key"):
        create_app({"SECRET_KEY": STRONG, "DATABASE": url, "CHAIN_KEY": "short-key"})
    if backend == "sqlite":
        assert not os.path.exists(url)
    create_app({"SECRET_KEY": STRONG, "DATABASE": url})  # nothing was keyed: the suite's key keys it now


def test_manyi_init_db_with_a_weak_chain_key_says_so_and_makes_nothing(tmp_path):
    database = str(tmp_path / "m.sqlite3")
    done = manyi("init-db", database=database, key="hunter2")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (f"Manyi will not key {database}: the chain key from CHAIN_KEY (FLASK_CHAIN_KEY"
                                   " or instance/config.py) is 7 characters"
                                   " long: too weak to be a random key (at least 32 characters); make one with"
                                   " python3 -c 'import secrets; print(secrets.token_hex(32))'"), done.stderr
    assert not os.listdir(tmp_path)


def test_a_database_keyed_with_a_weak_key_before_keeps_working_and_serving_warns(backend, tmp_path, request, capsys):
    url = _empty_database(backend, tmp_path, request, f"old{os.getpid()}")
    old = open_store(url, chain_key="weak-old-key")  # keyed as a release that took any key did
    old.migrate()
    old.close()
    app = create_app({"SECRET_KEY": STRONG, "DATABASE": url, "CHAIN_KEY": "weak-old-key"})
    check_deployable(app)
    err = capsys.readouterr().err
    assert ("Warning: the chain key from CHAIN_KEY (FLASK_CHAIN_KEY or instance/config.py) is 12 characters"
            " long") in err
    assert "keyed with it before: changing it means a new deployment" in err
    assert app.test_cli_runner().invoke(args=["verify"]).exit_code == 0


def test_rotating_to_a_weak_secret_key_is_refused(tmp_path):
    app = create_app({"SECRET_KEY": "new-key", "DATABASE": str(tmp_path / "m.sqlite3")})
    result = app.test_cli_runner().invoke(args=["rotate-secret-key"])
    assert result.exit_code == 1 and "FLASK_SECRET_KEY is 7 characters long" in result.output
    assert "nothing recorded" in result.output
