"""A new board key for a locker (`locker install --reprovision`): admins only, audited, shown
once, refused while parcels depend on the old key."""

from sqlmodel import Session, select

from cloud.models import AuditEntry, DeviceEvent, Locker

from .test_lockers import LOCKER


def test_an_admin_gets_a_new_key_once_and_the_old_one_is_gone(client, engine):
    old = client.post("/api/v1/lockers", json=LOCKER).json()["device_key"]
    response = client.post("/api/v1/lockers/L1/device-key")
    assert response.status_code == 200
    new = response.json()["device_key"]
    assert len(bytes.fromhex(new)) == 32 and new != old
    assert response.json()["locker_id"] == "L1"
    with Session(engine) as session:
        assert session.get(Locker, "L1").device_key == new
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "device_key_rotated")
        ).one()
    assert entry.subject == "locker:L1" and new not in entry.detail


def test_an_operator_may_not_rotate_a_key(client, credentials, engine):
    old = client.post("/api/v1/lockers", json=LOCKER).json()["device_key"]
    response = client.post(
        "/api/v1/lockers/L1/device-key", headers=credentials.operator("operator")
    )
    assert response.status_code == 403
    with Session(engine) as session:
        assert session.get(Locker, "L1").device_key == old


def test_an_unknown_locker_is_404(client):
    response = client.post("/api/v1/lockers/nope/device-key")
    assert response.status_code == 404


def test_a_locker_holding_a_parcel_keeps_its_key(client, engine, parcel_data):
    old = client.post("/api/v1/lockers", json=LOCKER).json()["device_key"]
    advised = client.post(
        "/api/v1/parcels", json=parcel_data(locker_id="L1").model_dump(mode="json")
    )
    assert advised.status_code == 201, advised.text
    response = client.post("/api/v1/lockers/L1/device-key")
    assert response.status_code == 409
    assert response.json()["detail"]["code"] == "locker_holds_parcels"
    with Session(engine) as session:
        assert session.get(Locker, "L1").device_key == old


def test_the_new_board_numbers_on_from_the_old_boards_events_and_connections(client, engine):
    client.post("/api/v1/lockers", json=LOCKER)
    with Session(engine) as session:
        locker = session.get(Locker, "L1")
        locker.applied_seq, locker.status_conn, locker.online = 41, 7, True
        session.add(locker)
        session.add(
            DeviceEvent(locker_id="L1", seq=44, type="door_opened", body="{}", outcome="held")
        )
        session.commit()
    answer = client.post("/api/v1/lockers/L1/device-key").json()
    # 42 and 43 never came and 44 was held for them: signed with the old key, given up
    assert (answer["next_seq"], answer["next_conn"]) == (45, 8)
    with Session(engine) as session:
        locker = session.get(Locker, "L1")
        assert (locker.applied_seq, locker.online) == (44, False)
