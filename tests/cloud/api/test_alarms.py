from cloud.board_events import apply_device_event


def test_open_alarms_are_listed_and_acknowledged(client, session, make_locker, now, settings):
    locker, _ = make_locker()
    apply_device_event(
        session,
        locker,
        {"lkr": "L1", "seq": 1, "t": 0, "type": "tamper", "cmp": 2},
        now,
        settings=settings,
    )
    session.commit()
    [alarm] = client.get("/api/v1/alarms?open=true").json()
    assert (alarm["kind"], alarm["compartment"], alarm["acknowledged_at"]) == ("tamper", 2, None)
    response = client.post(f"/api/v1/alarms/{alarm['id']}/acknowledge")
    assert response.status_code == 200 and response.json()["acknowledged_at"] is not None
    assert client.get("/api/v1/alarms?open=true").json() == []
    assert len(client.get("/api/v1/alarms").json()) == 1


def test_acknowledging_an_unknown_alarm_is_404(client):
    assert client.post("/api/v1/alarms/12345/acknowledge").status_code == 404
