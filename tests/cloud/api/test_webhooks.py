"""Carriers set their webhook over the API; a status change reaches a real HTTP receiver,
signed with the secret the carrier was given. The receiver is on 127.0.0.1, allowed as an
on-premise carrier's host would be (LOCKER_WEBHOOK_ALLOW_PRIVATE_HOSTS)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cloud.notify import webhooks
from cloud.runtime.notification_loop import NotificationLoop

LOCKER = {"id": "L1", "name": "Main St", "compartments": [{"number": 1, "size": "M"}]}
PARCEL = {
    "carrier": "DHL",
    "tracking_code": "JJD0001",
    "locker_id": "L1",
    "width_mm": 300,
    "height_mm": 150,
    "depth_mm": 500,
    "recipient": {"name": "Ada Lovelace", "phone": "+441234567890"},
}


class _Keep(BaseHTTPRequestHandler):
    def do_POST(self):
        self.server.posts.append(
            (dict(self.headers), self.rfile.read(int(self.headers["Content-Length"])))
        )
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def settings(settings):
    """The shared settings, with the local receiver's address allow-listed."""
    return settings.model_copy(update={"webhook_allow_private_hosts": ["127.0.0.1"]})


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Keep)
    server.posts = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_carrier_sets_its_webhook_and_receives_signed_status_changes(
    client, credentials, receiver, engine, settings
):
    dhl = credentials.carrier("DHL")
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hooks"
    response = client.put("/api/v1/webhook", json={"url": url}, headers=dhl)
    assert response.status_code == 200, response.text
    secret = response.json()["secret"]
    assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201
    parcel = client.post("/api/v1/parcels", json=PARCEL, headers=dhl).json()
    assert client.post(f"/api/v1/parcels/{parcel['id']}/cancel", headers=dhl).status_code == 200

    assert NotificationLoop(engine, None, settings).run_once() == 1  # the channels of the settings
    [(headers, body)] = receiver.posts
    assert webhooks.verify_signature(secret, headers["Locker-Signature"], body)
    assert json.loads(body)["type"] == "parcel.cancelled"


def test_webhook_settings_are_refused_to_the_wrong_callers_and_bad_urls(
    client, anonymous, credentials
):
    dhl = credentials.carrier("DHL")
    assert anonymous.put("/api/v1/webhook", json={"url": "https://x.example/h"}).status_code == 401
    assert (
        client.put(
            "/api/v1/webhook",
            json={"url": "https://x.example/h"},
            headers=credentials.operator("viewer"),
        ).status_code
        == 403
    )
    assert (
        client.put(
            "/api/v1/carriers/DHL/webhook", json={"url": "https://x.example/h"}, headers=dhl
        ).status_code
        == 403
    )  # a carrier sets only its own
    for bad in ("ftp://x.example/h", "https://", "not a url", "https://x.example/" + "a" * 2048):
        assert client.put("/api/v1/webhook", json={"url": bad}, headers=dhl).status_code == 422, bad
    assert (
        client.put("/api/v1/carriers/NOPE/webhook", json={"url": "https://x.example/h"}).status_code
        == 404
    )
    by_admin = client.put("/api/v1/carriers/DHL/webhook", json={"url": "https://x.example/h"})
    assert by_admin.status_code == 200 and by_admin.json()["secret"].startswith("whsec_")
    assert client.delete("/api/v1/webhook", headers=dhl).status_code == 204
