"""The bridge's status handler raises an `offline` alarm on a board's will and resolves it
when the board is back (called directly, as the worker does for `lockers/<id>/status`)."""
from sqlmodel import Session

from bridge import inbound
from cloud.services import alarms


def kinds(engine, open_only):
    with Session(engine) as session:
        return [(a.kind, a.resolved_at is not None) for a in alarms.list_alarms(session, open_only)]


def test_a_will_raises_the_alarm_and_online_resolves_it(engine, session, make_locker, now, settings):
    make_locker()
    session.commit()
    inbound.handle_status(engine, "L1", b'{"online": false}', now, settings)  # never online: quiet
    assert kinds(engine, False) == []
    inbound.handle_status(engine, "L1", b'{"online": true}', now, settings)
    inbound.handle_status(engine, "L1", b'{"online": false}', now, settings)
    assert kinds(engine, True) == [("offline", False)]
    inbound.handle_status(engine, "L1", b'{"online": true}', now, settings)
    assert kinds(engine, True) == [] and kinds(engine, False) == [("offline", True)]
