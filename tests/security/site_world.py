"""Two sites for the site-scope attacks (test_site_scope.py, test_site_scope_admin.py): a
locker at "north", whose operators attack, and one at "south", with everything an attacker
could want to read or act on there: a reserved parcel and one in its compartment, an open
alarm, a page about it, a rota, a door release, a south operator. Names are upper-case NORTH
and SOUTH throughout, so a response leaking the south is easy to spot."""

from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from cloud.board_events import apply_device_event
from cloud.models import Compartment, DoorRelease, Locker, Operator, Page
from cloud.services import alarms, pager, parcels

NORTH, SOUTH = "NORTH-LKR", "SOUTH-LKR"


def scope_operator(engine, username: str, sites: str | None) -> None:
    """Scope an existing operator (made by `credentials`) as an admin would, in the database."""
    with Session(engine) as session:
        operator = session.exec(select(Operator).where(Operator.username == username)).one()
        operator.sites = sites
        session.commit()


@dataclass(frozen=True)
class TwoSites:
    north_parcel: str
    south_parcels: tuple[str, str]  # reserved, deposited
    north_alarm: int
    south_alarm: int
    fleet_alarm: int  # about no locker: the whole fleet's
    south_page: int


def _locker_at(make_locker, session, locker_id: str, site: str) -> Locker:
    locker, _ = make_locker(locker_id, "SSS")
    locker.site = site
    session.flush()
    return locker


def _deposit(session, locker, parcel, settings, now) -> None:
    number = session.get(Compartment, parcel.compartment_id).number
    event = {
        "lkr": locker.id,
        "seq": 1,
        "t": 0,
        "type": "deposited",
        "parcel": parcel.tracking_code,
        "cmp": number,
    }
    apply_device_event(session, locker, event, now, settings=settings)


def _parcel(session, parcel_data, settings, now, locker_id: str, code: str):
    data = parcel_data(carrier="acme", tracking_code=code, locker_id=locker_id)
    return parcels.preadvise(session, data, now, settings=settings)


@pytest.fixture
def two_sites(session, make_locker, parcel_data, settings, now, credentials, engine) -> TwoSites:
    credentials.carrier("acme")
    credentials.operator("operator", "south-op")  # before the fixture's session writes
    scope_operator(engine, "south-op", "south")
    _locker_at(make_locker, session, NORTH, "north")
    south = _locker_at(make_locker, session, SOUTH, "south")
    north_parcel = _parcel(session, parcel_data, settings, now, NORTH, "NORTH-P1")
    reserved = _parcel(session, parcel_data, settings, now, SOUTH, "SOUTH-P1")
    inside = _parcel(session, parcel_data, settings, now, SOUTH, "SOUTH-P2")
    _deposit(session, south, inside, settings, now)
    north_alarm = alarms.raise_alarm(session, NORTH, "tamper", "NORTH door forced", now, 1)
    south_alarm = alarms.raise_alarm(session, SOUTH, "tamper", "SOUTH door forced", now, 1)
    fleet_alarm = alarms.raise_fleet_alarm(session, "login_guessing", "SOUTH guesses", now)
    south_op = session.exec(select(Operator).where(Operator.username == "south-op")).one()
    south_op.phone = "+48123456789"  # reachable, so it can be on the rota
    pager.set_rota(session, "south", ["south-op"], now, actor="system")
    page = Page(
        alarm_id=south_alarm.id,
        operator_id=south_op.id,
        level=0,
        channel="sms",
        paged_at=now,
        escalate_at=now,
    )
    session.add(page)
    session.add(
        DoorRelease(
            at=now,
            kind="remote_open",
            locker_id=SOUTH,
            compartment=1,
            actor="operator:SOUTH-admin",
            reason="SOUTH stuck",
            counted=True,
            outcome="queued",
        )
    )
    session.flush()
    world = TwoSites(
        str(north_parcel.id),
        (str(reserved.id), str(inside.id)),
        north_alarm.id,
        south_alarm.id,
        fleet_alarm.id,
        page.id,
    )
    session.commit()
    session.close()
    return world
