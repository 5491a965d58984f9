"""The shipped deployment files and the README agree: what runs as user manyi never has to read root's
/etc/manyi.env itself (mode 0600, owned by root, as deploy/manyi.service says)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_hourly_anchor_gets_the_servers_settings_the_way_the_server_does():
    service = (ROOT / "deploy" / "manyi.service").read_text(encoding="utf-8")
    anchor = (ROOT / "deploy" / "manyi-anchor.service").read_text(encoding="utf-8")
    timer = (ROOT / "deploy" / "manyi-anchor.timer").read_text(encoding="utf-8")
    assert "/etc/manyi.env (mode 0600, owned by root)" in service
    for line in ("EnvironmentFile=/etc/manyi.env", "User=manyi", "WorkingDirectory=/srv/manyi", "UMask=0077"):
        assert line in service.splitlines() and line in anchor.splitlines(), line
    assert "manyi anchor /var/lib/manyi/anchors.jsonl" in anchor and "OnCalendar=" in timer
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "deploy/manyi-anchor.timer" in readme
    sourcing = [line for line in readme.splitlines() if ". /etc/manyi.env" in line]
    assert sourcing, "the README's cron line is gone: say how cron gets the settings"
    assert any(" root " in line for line in sourcing), "the README's cron line is gone"
    for line in sourcing:  # read as root (cron.d's user field, or a root shell), the command then run as manyi
        assert "runuser -u manyi --" in line, line
        assert " root " in line or not line.lstrip("` ")[:1].isdigit(), line  # a cron line names its user


def test_several_servers_are_documented_as_the_code_checks_them(tmp_path):
    """README, "Deploying on PostgreSQL": what every server shares, the clock bound the app enforces, the
    rotation command that exists, and the shipped nginx file's commented upstream for several servers."""
    from survey_app import create_app
    from survey_app.cli import COMMANDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("## Deploying on PostgreSQL"):]
    part = " ".join(part[:part.index("\n## ")].split())
    for shared in ("FLASK_SECRET_KEY", "FLASK_CHAIN_KEY", "FLASK_PUBLIC_BASE_URL", "FLASK_TRUSTED_PROXIES",
                   "`questionnaires/`", "`instance/config.py`", "No sticky sessions", "NTP (chrony)",
                   "statement_timeout", "gunicorn's timeout (120 s)", "nothing is lost"):
        assert shared in part, shared
    bound = create_app({"TESTING": True, "DATABASE": str(tmp_path / "d.sqlite3")}).config["MAX_CLOCK_SKEW_SECONDS"]
    assert f"`MAX_CLOCK_SKEW_SECONDS` ({bound} s)" in part
    assert "manyi rotate-secret-key" in part and "rotate-secret-key" in {c.name for c in COMMANDS}
    nginx = (ROOT / "deploy" / "nginx-manyi.conf").read_text(encoding="utf-8")
    start = nginx.index("upstream manyi {")
    upstream = nginx[start:nginx.index("}", start)]
    assert upstream.count("#   server ") >= 2 and "sticky" in upstream


def test_the_postgresql_standby_failover_and_restore_are_documented_to_the_end():
    """README, "Deploying on PostgreSQL", as an operator review followed it literally: the standby gets the name
    synchronous replication waits for (tests/test_pg_standby.py runs that command), a failover has its
    checklist, a restore its steps to the restart, PgBouncer its setting; every `manyi` command named exists."""
    import re

    from survey_app.cli import COMMANDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("## Deploying on PostgreSQL"):]
    part = " ".join(part[:part.index("\n## ")].split())
    for step in ('-R -X stream -d "application_name=standby1"', "cluster_name = 'standby1'",
                 "select application_name, sync_state from pg_stat_replication", "ANY 1 (standby1, standby2)",
                 "Fence the old primary", "select pg_promote()", "target_session_attrs=read-write",
                 "synchronous_standby_names = ''", "manyi verify --receipt", "sudo -u postgres createdb -O manyi",
                 "sudo -u postgres pg_restore --no-owner --role manyi", "anchors-after-restore.jsonl",
                 "ignore_startup_parameters = extra_float_digits,options"):
        assert step in part, step
    named = set(re.findall(r"`manyi ([a-z][a-z-]*)", part))
    assert named and named <= {c.name for c in COMMANDS}, named - {c.name for c in COMMANDS}
