"""Fixtures are plugin modules (psycopg's fix_* style)."""

pytest_plugins = ("tests.fixtures.db", "tests.fixtures.broker")
