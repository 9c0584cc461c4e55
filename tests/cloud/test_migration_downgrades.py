"""Issue 10's migrations go down and up again over rows that reference the tables they change
(SQLite enforces foreign keys, so a migration that copies a referenced table fails there)."""

from alembic import command

from cloud.db import alembic_config, make_engine


def test_down_to_before_issue_10_and_back_with_referenced_lockers_and_couriers(tmp_path):
    engine = make_engine("sqlite:///%s" % (tmp_path / "locker.db"))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.exec_driver_sql(
            "INSERT INTO locker (id, name, address, device_key, command_counter, online,"
            " created_at, applied_seq) VALUES ('L1', 'x', '', '00', 0, 0, '2030-01-01 00:00:00', 0)"
        )
        connection.exec_driver_sql(
            "INSERT INTO courier (id, name, code_hash, code_sealed, active, created_at) VALUES"
            " ('0123456789abcdef0123456789abcdef', 'Sam', 'h', 's', 1, '2030-01-01 00:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO courier_route_stop (courier_id, locker_id, day) VALUES"
            " ('0123456789abcdef0123456789abcdef', 'L1', '2030-01-01')"
        )
        command.downgrade(config, "0011")
        command.upgrade(config, "head")
        stops = (
            connection.exec_driver_sql("SELECT locker_id FROM courier_route_stop").scalars().all()
        )
    engine.dispose()
    assert stops == ["L1"]
