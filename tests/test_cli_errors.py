"""The operator's commands given what operators get wrong: a key from another deployment, a path that cannot
be written, a number too big for an id, an --out that names the database. Each gets one line and exit 1 or 2,
never a traceback, and nothing is changed. Run through the installed console script (`manyi`), as an
operator runs it."""
import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import CHECKOUT_ENV, MANYI, demo_database, manyi

pytestmark = pytest.mark.sqlite_only  # the command line, not the storage: test_store_operations.py runs copy-db on both


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode in (1, 2) and "Traceback" not in done.stderr, done.stdout + done.stderr
    return done.stderr


@pytest.fixture
def deployment(tmp_path):
    return demo_database(str(tmp_path / "manyi.sqlite3"))


def test_verify_of_a_backup_keyed_with_another_key_says_so_in_one_line(deployment, tmp_path):
    backup = str(tmp_path / "backup.sqlite3")
    assert manyi("backup", backup, database=deployment).returncode == 0
    rotated = str(tmp_path / "rotated.sqlite3")  # the deployment after a key rotation
    done = manyi("verify", "--db", backup, database=rotated, key="the new key")
    err = one_line_error(done)
    assert "is not the one" in err and "was keyed with" in err and "--key-file" in err
    assert "(edited)" not in done.stdout + err  # not a list of every link called forged
    (tmp_path / "old.key").write_text(os.environ["FLASK_CHAIN_KEY"])
    ok = manyi("verify", "--db", backup, "--key-file", str(tmp_path / "old.key"), database=rotated, key="the new key")
    assert ok.returncode == 0 and ok.stdout.startswith("OK: 100 responses"), ok.stdout + ok.stderr


def test_copy_db_with_another_key_copies_nothing(deployment, tmp_path):
    target = tmp_path / "copy.sqlite3"
    err = one_line_error(manyi("copy-db", deployment, str(target), database=str(tmp_path / "app.sqlite3"),
                               key="not the deployment's key"))
    assert "was keyed with" in err and "nothing copied" in err and "FLASK_CHAIN_KEY" in err
    assert not target.exists()
    done = manyi("copy-db", deployment, str(target), database=str(tmp_path / "app2.sqlite3"))
    assert done.returncode == 0 and "OK: copied" in done.stdout, done.stdout + done.stderr


def test_files_that_cannot_be_written_and_ids_too_big_get_one_line(deployment, tmp_path):
    size = Path(deployment).stat().st_size
    err = one_line_error(manyi("export", "1", "--format", "csv", "--out", deployment, database=deployment))
    assert "is a SQLite database: not replaced" in err and Path(deployment).stat().st_size == size
    err = one_line_error(manyi("export", "1", "--format", "csv", "--out", str(tmp_path / "no" / "x.csv"),
                               database=deployment))
    assert "No such file or directory" in err and "x.csv" in err
    receipt = tmp_path / "回执.json"
    assert manyi("export", "1", "--format", "receipt", "--out", str(receipt), database=deployment).returncode == 0
    kept = receipt.read_bytes()
    err = one_line_error(manyi("export", "1", "--format", "receipt", "--out", str(receipt), database=deployment))
    assert "exists already" in err and receipt.read_bytes() == kept
    for args in (("receipt", "99999999999999999999", "--out", str(tmp_path / "r.json")),
                 ("export", "99999999999999999999", "--format", "csv"), ("add-point", "99999999999999999999", "x")):
        assert "is not in the range" in one_line_error(manyi(*args, database=deployment))


@pytest.mark.parametrize("args, said", [
    (("--target", "0"), "is not above 1 and at most 100"), (("--target", "0.95"), "e.g. 95 for 95 %"), (("--target", "nan"), "is not a number"), (("--rule", "nosuch"), "is not one of"), (("--rule", "xinjiang-c52"), "is not one of"),
    (("--opens", "2024-09-01", "--closes", "2024-08-01"), "is before --opens"),
    (("--year", "99999999999999999999"), "is not in the range")])
def test_create_survey_refuses_what_would_break_its_pages(deployment, args, said):
    before = manyi("list-surveys", database=deployment).stdout
    assert said in one_line_error(manyi("create-survey", "yining-2024-public", *args, database=deployment))
    assert manyi("list-surveys", database=deployment).stdout == before


def test_init_db_says_where_it_wrote_the_chain_key_and_to_back_it_up(tmp_path):
    """Run without a configured key, init-db writes instance/chain.key: it names the file and says to back it
    up apart from the database (lost, the answers' chains can no longer be checked); a second run writes none."""
    instance = tmp_path / "instance"
    env = {"PATH": "/usr/bin:/bin", **CHECKOUT_ENV, "MANYI_TEST_INSTANCE": str(instance),
           "FLASK_DATABASE": str(tmp_path / "new.sqlite3")}
    done = subprocess.run([MANYI, "init-db"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and (instance / "chain.key").exists(), done.stdout + done.stderr
    assert done.stdout.splitlines()[1] == (
        f"Wrote a new chain key to {instance / 'chain.key'} (mode 0600). Back it up now, apart from the database"
        " and its backups: without it manyi verify cannot check the answers and the server refuses this database.")
    again = subprocess.run([MANYI, "init-db"], env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and again.stdout.strip() == f"Database ready: {tmp_path / 'new.sqlite3'}"


def test_init_db_never_prints_a_password_and_the_files_are_the_owners(tmp_path):
    done = manyi("init-db", database=str(tmp_path / "new.sqlite3"))
    assert done.returncode == 0 and done.stdout.strip() == f"Database ready: {tmp_path / 'new.sqlite3'}"
    # the answers and their backups are the server user's alone
    assert manyi("backup", str(tmp_path / "b.sqlite3"), database=str(tmp_path / "new.sqlite3")).returncode == 0
    assert [oct((tmp_path / n).stat().st_mode & 0o777) for n in ("new.sqlite3", "b.sqlite3")] == ["0o600", "0o600"]


def test_a_mistyped_database_is_never_taken_for_an_empty_one(deployment, tmp_path):
    """verify, export and backup on a path with nothing there refuse, and leave nothing behind; a URL of
    another scheme (or postgresql: without //) is refused, never made into a file named after it."""
    typo = tmp_path / "manyi.sqlite"  # .sqlite3 meant
    for args in (("verify",), ("export", "1", "--format", "csv", "--out", str(tmp_path / "x.csv")),
                 ("backup", str(tmp_path / "b.sqlite3")), ("receipt", "1", "--out", str(tmp_path / "r.json"))):
        err = one_line_error(manyi(*args, database=str(typo)))
        assert f"no database at {typo}" in err and "manyi init-db" in err, (args, err)
        assert not [f for f in tmp_path.iterdir() if f.name.startswith("manyi.sqlite") and "sqlite3" not in f.name]
    for url in ("postgresql:/manyi", "postgresql:/manyi:secret@db/manyi", "mysql://u:se@cret@db/manyi", "sqlite://relative.db"):
        err = one_line_error(manyi("list-surveys", database=url, cwd=str(tmp_path)))
        assert "not a file path, sqlite:///path" in err and "secret" not in err and "cret" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manyi.sqlite3", "manyi.sqlite3-writer.lock"]


def test_help_and_copy_db_work_while_the_configured_database_is_away(deployment, tmp_path):
    """Disaster recovery: the configured PostgreSQL server is down, yet help is there and a copy can be made."""
    away = f"postgresql://nobody@/manyi?host={tmp_path / 'no-server'}"
    listed = manyi("--help", database=away)
    assert listed.returncode == 0 and "copy-db" in listed.stdout and "verify" in listed.stdout
    assert manyi("verify", "--help", database=away).returncode == 0
    done = manyi("copy-db", deployment, str(tmp_path / "copy.sqlite3"), database=away)
    assert done.returncode == 0 and "OK: copied" in done.stdout, done.stdout + done.stderr


def test_copy_db_names_a_path_that_cannot_be_a_database_and_leaves_nothing(deployment, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    text = tmp_path / "notdb.txt"
    text.write_text("not a database\n")
    for destination, says in ((folder, "is a folder"), (tmp_path / "no" / "copy.sqlite3", "no such file or folder"),
                              (text, "is not a SQLite database: not replaced")):
        err = one_line_error(manyi("copy-db", deployment, str(destination)))
        assert says in err and str(destination) in err and len(err.strip().splitlines()) == 1
    err = one_line_error(manyi("copy-db", str(text), str(tmp_path / "copy.sqlite3")))
    assert f"the source {text} is not a SQLite database" in err
    assert text.read_text() == "not a database\n" and list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "manyi.sqlite3", "manyi.sqlite3-writer.lock", "notdb.txt"]


def test_commands_refuse_a_database_that_is_not_there_instead_of_creating_it(tmp_path):
    """A mistyped FLASK_DATABASE: every command but init-db and demo says there is none, in one line, and
    creates nothing (it used to print "No surveys yet" and leave a new, empty database behind)."""
    typo = tmp_path / "typo.sqlite3"
    for command in (["list-surveys"], ["add-point", "1", "大厅"], ["grant", "wang", "1"], ["revoke-sessions", "wang"],
                    ["qr", "1", "--out", str(tmp_path / "qr")], ["anchor", str(tmp_path / "anchors.jsonl")],
                    ["create-survey", "yining-2024-public"], ["verify"], ["export", "1", "--format", "csv"]):
        err = one_line_error(manyi(*command, database=str(typo)))
        assert f"no database at {typo}: check FLASK_DATABASE" in err and "manyi init-db" in err, command
        assert len(err.strip().splitlines()) == 1, err
        assert sorted(p.name for p in tmp_path.iterdir()) == [], command
    assert manyi("init-db", database=str(typo)).returncode == 0 and typo.exists()
    done = manyi("list-surveys", database=str(typo))
    assert done.returncode == 0 and "No surveys yet" in done.stdout


def test_verify_db_and_questionnaires_work_while_the_app_database_is_away(deployment, tmp_path):
    """They do not use the app's database: a stopped PostgreSQL server (or a missing file) does not stop them."""
    for away in ("postgresql://manyi@127.0.0.1:1/manyi", str(tmp_path / "away.sqlite3")):
        done = manyi("verify", "--db", deployment, database=away)
        assert done.returncode == 0 and done.stdout.startswith("OK: 100 responses"), done.stdout + done.stderr
        listed = manyi("questionnaires", "list", database=away)
        assert listed.returncode == 0 and "yining-2024-public@1" in listed.stdout, listed.stderr
        checked = manyi("questionnaires", "check", database=away)
        assert checked.returncode == 0 and "0 error(s)" in checked.stdout, checked.stderr
    assert not (tmp_path / "away.sqlite3").exists()


def test_a_closed_pipe_ends_quietly_not_with_error_broken_pipe(capsys):
    """`manyi list-surveys | head -1` on a long list: the reader went away, which is no error of the command's
    to print (it printed "Error: Broken pipe"); click ends it with exit 1 and nothing on stderr."""
    import errno

    import click

    from survey_app.cli.common import Manyi

    @click.group(cls=Manyi)
    def group():
        pass

    @group.command()
    def talk():
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    with pytest.raises(SystemExit) as ended:
        group.main(["talk"], prog_name="manyi")
    assert ended.value.code == 1 and "Broken pipe" not in capsys.readouterr().err


def test_flask_app_commands_end_in_one_line_as_manyis_do(tmp_path):
    """`flask --app survey_app COMMAND` runs the commands through Flask's own group: a file that cannot be
    written, or a survey changed behind Manyi's back, ends in the one line `manyi` prints, not a traceback; a
    mistyped FLASK_DATABASE is refused and nothing is left of it; `flask --app survey_app.wsgi` with the
    development key says why in one line too."""
    import sqlite3

    flask = str(Path(MANYI).parent / "flask")
    database = demo_database(str(tmp_path / "demo.sqlite3"))
    env = {"PATH": "/usr/bin:/bin", "FLASK_CHAIN_KEY": os.environ["FLASK_CHAIN_KEY"], "FLASK_DATABASE": database,
           **CHECKOUT_ENV}
    (tmp_path / "a-file").write_text("")

    def both(*args):
        done = subprocess.run([flask, "--app", "survey_app", *args], env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.splitlines()[-1] == manyi(*args, database=database).stderr.splitlines()[-1]
        return done.stderr.splitlines()[-1]

    assert both("qr", "1", "--out", str(tmp_path / "a-file" / "posters")).endswith(": Not a directory")
    with sqlite3.connect(database) as conn:
        conn.execute("update surveys set target = 50 where id = 1")
    assert "changed outside Manyi" in both("add-point", "1", "3号窗口")
    typo = tmp_path / "typo.sqlite3"  # Flask makes the app, and so the database, before it knows the command
    for command in ("list-surveys", "verify", "users"):
        done = subprocess.run([flask, "--app", "survey_app", command], env={**env, "FLASK_DATABASE": str(typo)},
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1 and done.stderr.strip() == (f"Error: no database at {typo}: check FLASK_DATABASE"
                                                                " (to start a new one, run manyi init-db)"), done.stderr
        assert not list(tmp_path.glob("typo*")), command
    fresh = {**env, "MANYI_TEST_INSTANCE": str(tmp_path / "instance")}  # no config.py with demo's SECRET_KEY
    done = subprocess.run([flask, "--app", "survey_app.wsgi", "routes"], env=fresh, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and done.stderr.strip() == ("Error: Set FLASK_SECRET_KEY (or SECRET_KEY in"
                                                            " instance/config.py) before serving Manyi."), done.stderr
