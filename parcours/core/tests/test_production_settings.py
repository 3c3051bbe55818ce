"""Production mode (DEBUG=0): the settings are read in a fresh process for each case.

Settings are computed once per process, so each case runs ``manage.py`` in a subprocess
with an environment of its own (nothing inherited but PATH: not the DATABASE_URL of the
test run, not a stray DEBUG). These cost about a second each: keep them few.
"""

import os
import secrets
import sqlite3
import string
import subprocess
import sys
from contextlib import closing

import pytest
from django.conf import settings

PROJECT_ROOT = settings.BASE_DIR
SECRET_ALPHABET = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"


def random_secret_key() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(60))


@pytest.fixture
def production_env(tmp_path):
    """A valid production environment with its own SQLite database under tmp_path."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONIOENCODING": "utf-8",
        "DJANGO_SETTINGS_MODULE": "parcours.settings",
        "PARCOURS_VAR_DIR": str(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": "parcours.example.org",
    }


def manage(env, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def output_of(result) -> str:
    return result.stdout + result.stderr


def error_line(result) -> str:
    """The last line of the traceback: the exception and its message."""
    lines = result.stderr.strip().splitlines()
    return lines[-1] if lines else ""


def test_deploy_check_finds_no_issues_in_production_mode(production_env):
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, output_of(result)
    assert "no issues" in output_of(result)


def test_production_without_secret_key_refuses_to_start(production_env):
    del production_env["SECRET_KEY"]

    result = manage(production_env, "check")

    assert result.returncode != 0
    assert error_line(result).startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert "SECRET_KEY must be set" in error_line(result)


def test_misspelt_debug_refuses_to_start(production_env):
    production_env["DEBUG"] = "flase"

    result = manage(production_env, "check")

    assert result.returncode != 0
    assert error_line(result).startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert "DEBUG must be a boolean" in error_line(result)
    assert "'flase'" in error_line(result)


def test_demo_data_is_refused_in_production(production_env, tmp_path):
    migrated = manage(production_env, "migrate", "--no-input")
    assert migrated.returncode == 0, output_of(migrated)

    result = manage(production_env, "load_demo")

    assert result.returncode != 0
    assert error_line(result).startswith("CommandError: ")
    assert "production" in error_line(result)
    with closing(sqlite3.connect(tmp_path / "parcours.sqlite3")) as database:
        (organisations,) = database.execute("SELECT COUNT(*) FROM accounts_organisation").fetchone()
    assert organisations == 0
