"""Real databases for the tests: a SQLite file, or a schema of its own on PostgreSQL."""

import contextlib
import os
import secrets

import psycopg

from cloud.db import make_engine

PG_URLS = (
    [os.environ["LOCKER_TEST_POSTGRES_URL"]]
    if "LOCKER_TEST_POSTGRES_URL" in os.environ
    else ["postgresql://postgres@127.0.0.1:5432/test", "postgresql://root@127.0.0.1:5432/test"]
)


def reachable_pg_url():
    """(url, '') of the first PostgreSQL that answers, or (None, why not)."""
    errors = []
    for url in PG_URLS:
        try:
            psycopg.connect(url, connect_timeout=3).close()
            return url, ""
        except psycopg.Error as error:
            errors.append("%s: %s" % (url, str(error).strip()))
    return None, "; ".join(errors)


@contextlib.contextmanager
def pg_schema(url):
    """A new, empty schema on `url`, dropped afterwards; yields its name."""
    schema = "t_" + secrets.token_hex(6)
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.exec_driver_sql("CREATE SCHEMA %s" % schema)
    try:
        yield schema
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA %s CASCADE" % schema)
        admin.dispose()
