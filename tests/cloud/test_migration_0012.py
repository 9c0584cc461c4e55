"""Migration 0012: remote_open's rows move into the door-release ledger (and back on
downgrade), and the burst alarm takes its shared name."""

from alembic import command

from cloud.db import alembic_config, make_engine


def test_remote_opens_and_their_burst_alarm_survive_the_move_both_ways(tmp_path):
    url = "sqlite:///%s" % (tmp_path / "before.db")
    config = alembic_config()
    engine = make_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0011")
        connection.exec_driver_sql(
            "INSERT INTO locker (id, name, address, device_key, command_counter, online,"
            " created_at, applied_seq) VALUES ('L1', 'x', '', '00', 0, 0, '2030-01-01 00:00:00', 0)"
        )
        connection.exec_driver_sql(
            "INSERT INTO remote_open (at, locker_id, compartment, operator, reason, outcome) VALUES"
            " ('2030-01-01 00:00:00', 'L1', 2, 'olga', 'stuck', 'queued'),"
            " ('2030-01-01 00:01:00', 'L1', 3, 'olga', 'stuck', 'remote_open_locker_limit')"
        )
        connection.exec_driver_sql(
            "INSERT INTO alarm (locker_id, kind, detail, count, raised_at) VALUES"
            " ('L1', 'remote_open_burst', '21 remote opens', 1, '2030-01-01 00:02:00')"
        )
        command.upgrade(config, "head")
        moved = connection.exec_driver_sql(
            "SELECT kind, locker_id, compartment, actor, reason, counted, outcome FROM door_release"
            " ORDER BY id"
        ).all()
        kinds = connection.exec_driver_sql("SELECT kind FROM alarm").scalars().all()
        command.downgrade(config, "0011")
        back = connection.exec_driver_sql(
            "SELECT locker_id, compartment, operator, reason, outcome FROM remote_open ORDER BY id"
        ).all()
        kinds_back = connection.exec_driver_sql("SELECT kind FROM alarm").scalars().all()
    engine.dispose()
    assert [tuple(row) for row in moved] == [
        ("remote_open", "L1", 2, "operator:olga", "stuck", 1, "queued"),
        ("remote_open", "L1", 3, "operator:olga", "stuck", 1, "remote_open_locker_limit"),
    ]
    assert kinds == ["door_release_burst"] and kinds_back == ["remote_open_burst"]
    assert [tuple(row) for row in back] == [
        ("L1", 2, "olga", "stuck", "queued"),
        ("L1", 3, "olga", "stuck", "remote_open_locker_limit"),
    ]
