"""Engines for SQLite (the embedded default) and PostgreSQL, migrations, sessions."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

from cloud.core.clock import set_session_time, utcnow

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30
# PostgreSQL connections per process: the API admits as many requests as these allow (less a
# few for its background loops, cloud/api/admission.py); PostgreSQL's default 100 connections
# leave room for a few API and bridge processes.
PG_POOL_SIZE, PG_MAX_OVERFLOW = 10, 10
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def normalize_url(url: str) -> str:
    """`postgresql://` and `postgres://` URLs use psycopg 3 (`postgresql+psycopg://`)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(
    url: str,
    *,
    schema: str | None = None,
    connect_args: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Engine:
    """An engine for `url`; `schema` (PostgreSQL) puts every table in that schema."""
    url = normalize_url(url)
    args = dict(connect_args or {})
    if url.startswith("sqlite"):
        return _sqlite_engine(url, args, kwargs)
    if schema is not None:
        args["options"] = f"-csearch_path={_checked_schema(schema)}"
    kwargs.setdefault("pool_size", PG_POOL_SIZE)
    kwargs.setdefault("max_overflow", PG_MAX_OVERFLOW)
    return create_engine(url, connect_args=args, pool_pre_ping=True, **kwargs)


def _sqlite_engine(url: str, args: dict[str, Any], kwargs: dict[str, Any]) -> Engine:
    args.setdefault("check_same_thread", False)  # API threads and bridge threads share the pool
    args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
    engine = create_engine(url, connect_args=args, **kwargs)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs; SQLAlchemy emits BEGIN instead
    # (the recipe in SQLAlchemy's SQLite dialect documentation).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    # IMMEDIATE: a transaction takes the write lock up front, so two that read then write
    # queue up (busy timeout) instead of failing with "database is locked" half-way.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _checked_schema(schema: str) -> str:
    if not _SCHEMA_NAME.match(schema):
        raise ValueError(f"not a plain schema name: {schema!r}")
    return schema


def alembic_config() -> Config:
    """Alembic's configuration, pointing at the migrations inside this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(target: str | Engine, *, schema: str | None = None) -> None:
    """Bring the database at `target` (a URL or an engine) to the newest schema."""
    engine = target if isinstance(target, Engine) else make_engine(target, schema=schema)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if engine is not target:
            engine.dispose()


def migrated_engine(url: str, *, schema: str | None = None) -> Engine:
    """An engine for `url` whose database has been brought to the newest schema."""
    engine = make_engine(url, schema=schema)
    migrate(engine)
    return engine


@contextmanager
def transaction(engine: Engine, *, now: datetime | None = None) -> Iterator[Session]:
    """A session whose work is committed when the block ends, rolled back if it raises; its
    work happens at `now` (cloud/core/clock.py set_session_time), the wall clock's by default."""
    with Session(engine) as session, session.begin():
        set_session_time(session, now or utcnow())
        yield session
