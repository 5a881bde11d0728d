"""The embedded default (`make run`, config.settings.dev on SQLite) survives two writers: WAL, a busy
timeout, and transactions that take the write lock when they begin."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Run in a fresh interpreter: the settings module under test is not the one this test run uses.
PROBE = """
import json, sqlite3
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    busy_timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (n INTEGER)")

# A transaction that has only read holds the write lock all the same (BEGIN IMMEDIATE): another
# writer waits for it instead of both reading and then failing to upgrade ("database is locked").
other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
with transaction.atomic():
    connection.cursor().execute("SELECT COUNT(*) FROM probe").fetchone()
    try:
        other.execute("BEGIN IMMEDIATE")
        other_could_write = True
        other.execute("ROLLBACK")
    except sqlite3.OperationalError:
        other_could_write = False
print(json.dumps({
    "options": connection.settings_dict["OPTIONS"],
    "journal_mode": journal_mode,
    "busy_timeout": busy_timeout,
    "other_could_write_during_transaction": other_could_write,
}))
"""


@pytest.mark.parametrize("settings_module", ["config.settings.dev", "config.settings.base"])
def test_embedded_default_sqlite_uses_wal_busy_timeout_and_immediate_transactions(tmp_path, settings_module):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}",
        "SECRET_KEY": "probe-only-secret",  # base.py has no default; dev.py's is not under test
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert "journal_mode=WAL" in probe["options"]["init_command"]
    assert probe["journal_mode"] == "wal"
    assert probe["busy_timeout"] == 20_000
    assert probe["options"]["transaction_mode"] == "IMMEDIATE"
    assert probe["other_could_write_during_transaction"] is False


def test_make_run_lets_a_long_request_line_reach_django_for_its_414_page():
    # daphne's Twisted channel drops a request line over 16 KB with a bare 400 before Django sees it; the
    # dev settings raise its limit so that the QueryStringLimitMiddleware answers 414 with the site's page.
    probe = (
        "import django; django.setup()\n"
        "from twisted.web.http import HTTPChannel\n"
        "print(HTTPChannel.totalHeadersSize, HTTPChannel.MAX_LENGTH)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    total, line = (int(value) for value in result.stdout.split())
    assert total >= 200_000 and line >= 200_000  # a 100 KB query string fits
