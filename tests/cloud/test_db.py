import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import Session, SQLModel, text

import cloud.models  # noqa: F401
from cloud.db import alembic_config, make_engine, migrate, normalize_url, transaction
from cloud.models import Courier


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///./locker.db", "sqlite:///./locker.db"),
    ],
)
def test_normalize_url_uses_psycopg3(url, expected):
    assert normalize_url(url) == expected


def test_make_engine_refuses_a_schema_name_that_is_not_plain():
    with pytest.raises(ValueError):
        make_engine("postgresql://u@h/db", schema="x; DROP TABLE parcel")


def test_sqlite_engine_enforces_foreign_keys_and_uses_wal(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_migrate_is_idempotent_and_reaches_head(engine):
    migrate(engine)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        assert (
            connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head
        )


def test_downgrade_to_nothing_and_back(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    migrate(engine)
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        assert (
            "parcel"
            not in connection.exec_driver_sql("SELECT name FROM sqlite_master").scalars().all()
        )
    migrate(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    engine.dispose()


def test_transaction_commits_on_success_and_rolls_back_on_error(engine):
    courier = dict(name="c", code_hash="h1", code_sealed="s")
    with transaction(engine) as session:
        session.add(Courier(**courier))
    with pytest.raises(RuntimeError), transaction(engine) as session:
        session.add(Courier(**{**courier, "code_hash": "h2"}))
        session.flush()
        raise RuntimeError
    with Session(engine) as session:
        assert session.exec(text("SELECT code_hash FROM courier")).scalars().all() == ["h1"]


def test_migration_0004_starts_each_lockers_watermark_at_its_inbox(tmp_path):
    """A board provisioned before strict ordering goes on with the seq after its last event."""
    url = "sqlite:///%s" % (tmp_path / "before.db")
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", url)
    engine = make_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        for locker in ("OLD", "NEW"):
            connection.exec_driver_sql(
                "INSERT INTO locker (id, name, address, device_key, command_counter, online,"
                " created_at) VALUES (?, 'x', '', '00', 0, 0, '2030-01-01 00:00:00')",
                (locker,),
            )
        for seq in (1, 2, 3, 7):
            connection.exec_driver_sql(
                "INSERT INTO deviceevent (locker_id, seq, type, body, outcome, received_at)"
                " VALUES ('OLD', ?, 'jammed', '{}', 'applied', '2030-01-01 00:00:00')",
                (seq,),
            )
        command.upgrade(config, "head")
        rows = connection.exec_driver_sql("SELECT id, applied_seq FROM locker ORDER BY id").all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("NEW", 0), ("OLD", 7)]


def test_migration_0013_keeps_every_chosen_courier_code_off_the_boards(tmp_path):
    """Codes from before the cloud drew them were chosen by people: each courier needs a new
    one; a courier registered after the migration does not."""
    url = "sqlite:///%s" % (tmp_path / "before.db")
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", url)
    engine = make_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0012")
        connection.exec_driver_sql(
            "INSERT INTO courier (id, name, code_hash, code_sealed, active, created_at)"
            " VALUES ('00000000000000000000000000000001', 'Sam', 'h1', 's', 1,"
            " '2030-01-01 00:00:00')"
        )
        command.upgrade(config, "head")
        connection.exec_driver_sql(
            "INSERT INTO courier (id, name, code_hash, code_sealed, active, created_at)"
            " VALUES ('00000000000000000000000000000002', 'Ada', 'h2', 's', 1,"
            " '2030-01-02 00:00:00')"
        )
        rows = connection.exec_driver_sql(
            "SELECT name, needs_new_code FROM courier ORDER BY name"
        ).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("Ada", 0), ("Sam", 1)]
