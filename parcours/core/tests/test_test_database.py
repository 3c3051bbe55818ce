"""Each run of the suite has a database of its own, so that runs can share a server."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_test_database_is_named_for_this_run():
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's test database is in memory and private to the run")
    assert name.startswith("test_")
    assert f"_{os.getpid()}_" in name
