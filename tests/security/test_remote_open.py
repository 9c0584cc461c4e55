"""Remote opens (Moscow, 2020: one operator backend opened 2,732 lockers at once). A stolen
operator login opens a few doors, not a fleet: per locker and per operator limits, a fleet-wide
burst raises an alarm and stops every remote open until an admin acknowledges it, and only
operators (not viewers, not carriers, not strangers) may ask at all. Every attempt is audited,
and the chain verifies."""

import json

import pytest
from sqlmodel import Session, select

from cloud.models import Alarm, AuditEntry, OutboxMessage
from cloud.services import audit

OPEN = "/api/v1/lockers/%s/compartments/%d/open"
WHY = {"reason": "recipient locked out"}


@pytest.fixture
def fleet(client):
    """Lockers F1..F8, three compartments each."""
    for n in range(1, 9):
        body = {
            "id": f"F{n}",
            "name": f"F{n}",
            "compartments": [{"number": c, "size": "S"} for c in (1, 2, 3)],
        }
        assert client.post("/api/v1/lockers", json=body).status_code == 201
    return client


def open_commands(engine):
    with Session(engine) as session:
        return session.exec(select(OutboxMessage).where(OutboxMessage.type == "open")).all()


def remote_command_entries(engine):
    with Session(engine) as session:
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.action == "remote_command")
        ).all()
        assert audit.verify(session).intact
        return [json.loads(entry.detail)["outcome"] for entry in entries]


def test_an_operator_opening_a_fourth_door_of_one_locker_in_an_hour_is_refused(
    fleet, credentials, engine
):
    mallory = credentials.operator("operator", "mallory")
    assert [
        fleet.post(OPEN % ("F1", n), json=WHY, headers=mallory).status_code for n in (1, 2, 3)
    ] == [202] * 3
    fourth = fleet.post(OPEN % ("F1", 1), json=WHY, headers=mallory)
    assert fourth.status_code == 429 and int(fourth.headers["retry-after"]) > 3000
    assert len(open_commands(engine)) == 3
    assert remote_command_entries(engine) == ["queued"] * 3 + ["remote_open_locker_limit"]


def test_an_operator_sweeping_the_fleet_is_stopped_after_ten(fleet, credentials, engine):
    """The eleventh is refused, and asking past the budget raises the burst alarm that stops
    every remote open (the next one too) until an admin has looked."""
    mallory = credentials.operator("operator", "mallory")
    codes = [
        fleet.post(OPEN % (f"F{1 + i // 2}", 1 + i % 2), json=WHY, headers=mallory).status_code
        for i in range(12)
    ]
    assert codes == [202] * 10 + [429, 409]
    assert len(open_commands(engine)) == 10
    with Session(engine) as session:
        [alarm] = session.exec(select(Alarm).where(Alarm.kind == "door_release_burst")).all()
        assert "operator:mallory" in alarm.detail


def test_a_burst_across_the_fleet_raises_an_alarm_and_stops_all_remote_opens(
    fleet, credentials, engine
):
    """Three stolen operator logins, each within its own limits: the 21st open in five minutes
    is refused, the alarm is raised, and nobody (an admin neither) opens until an admin has
    acknowledged it; the operators cannot acknowledge it themselves."""
    thieves = [credentials.operator("operator", name) for name in ("op-a", "op-b", "op-c")]
    doors = [(f"F{n}", c) for n in range(1, 8) for c in (1, 2, 3)]  # 21, three per locker
    codes = [
        fleet.post(OPEN % door, json=WHY, headers=thieves[i // 7]).status_code
        for i, door in enumerate(doors)
    ]
    assert codes == [202] * 20 + [409]
    with Session(engine) as session:
        [alarm] = session.exec(select(Alarm).where(Alarm.kind == "door_release_burst")).all()
    refused = fleet.post(OPEN % ("F8", 1), json=WHY)  # the admin too
    assert (
        refused.status_code == 409 and refused.json()["detail"]["code"] == "remote_open_suspended"
    )
    acknowledge = f"/api/v1/alarms/{alarm.id}/acknowledge"
    assert fleet.post(acknowledge, headers=thieves[0]).status_code == 403
    assert fleet.post(OPEN % ("F8", 1), json=WHY).status_code == 409
    assert fleet.post(acknowledge).status_code == 200  # the admin has looked
    assert fleet.post(OPEN % ("F8", 1), json=WHY).status_code == 202
    assert len(open_commands(engine)) == 21
    assert remote_command_entries(engine) == (
        ["queued"] * 20 + ["remote_open_burst"] + ["remote_open_suspended"] * 2 + ["queued"]
    )


@pytest.mark.parametrize("who", ["viewer", "carrier"])
def test_a_viewer_or_a_carrier_key_gets_403_and_nothing_is_recorded(
    fleet, credentials, engine, row_counts, who
):
    headers = credentials.operator("viewer") if who == "viewer" else credentials.carrier("acme")
    before = row_counts()
    assert fleet.post(OPEN % ("F1", 1), json=WHY, headers=headers).status_code == 403
    assert (who == "viewer") == (
        fleet.get("/api/v1/remote-opens", headers=headers).status_code == 200
    )
    assert row_counts() == before and open_commands(engine) == []


def test_no_credentials_or_forged_ones_get_401(fleet, anonymous, engine):
    assert anonymous.post(OPEN % ("F1", 1), json=WHY).status_code == 401
    forged = {"Authorization": "Bearer v1.eyJzdWIiOiJhZG1pbi0xIn0.AAAA"}
    assert anonymous.post(OPEN % ("F1", 1), json=WHY, headers=forged).status_code == 401
    assert anonymous.get("/api/v1/remote-opens").status_code == 401
    assert open_commands(engine) == []
