"""The bridge's status handler raises an `offline` alarm on a board's will and resolves it
when the board is back (called directly, as the worker does for `lockers/<id>/status`)."""

from sqlmodel import Session

from bridge import inbound
from cloud.services import alarms
from tests.support.status import BoardStatus


def kinds(engine, open_only):
    with Session(engine) as session:
        return [(a.kind, a.resolved_at is not None) for a in alarms.list_alarms(session, open_only)]


def test_a_will_raises_the_alarm_and_online_resolves_it(
    engine, session, make_locker, now, settings
):
    _, key = make_locker()
    session.commit()
    board = BoardStatus("L1", bytes.fromhex(key))
    inbound.handle_status(
        engine, "L1", board.payload(False, 1), now, settings
    )  # never online: quiet
    assert kinds(engine, False) == []
    inbound.handle_status(engine, "L1", board.payload(True, 2), now, settings)
    inbound.handle_status(engine, "L1", board.payload(False, 2), now, settings)
    assert kinds(engine, True) == [("offline", False)]
    inbound.handle_status(engine, "L1", board.payload(True, 3), now, settings)
    assert kinds(engine, True) == [] and kinds(engine, False) == [("offline", True)]
