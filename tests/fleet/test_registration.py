"""register_locker: the body every tool sends, the key it hands back, a refusal as an error."""

import httpx
import pytest

from fleet import registration
from fleet.registration import RegistrationRefused, register_locker


def _cloud(monkeypatch, status, payload):
    sent = []

    def post(url, *, json, timeout, headers):
        sent.append((url, json, headers))
        return httpx.Response(status, json=payload)

    monkeypatch.setattr(registration.httpx, "post", post)
    return sent


def test_the_locker_and_its_compartments_are_posted_and_the_key_comes_back(monkeypatch):
    sent = _cloud(monkeypatch, 201, {"device_key": "ab" * 32})
    key = register_locker(
        "http://cloud/",
        "L-1",
        [(1, "S"), (2, "M")],
        address="Main St 1",
        headers={"Authorization": "Bearer t"},
    )
    assert key == "ab" * 32
    assert sent == [
        (
            "http://cloud/api/v1/lockers",
            {
                "id": "L-1",
                "name": "L-1",
                "address": "Main St 1",
                "compartments": [{"number": 1, "size": "S"}, {"number": 2, "size": "M"}],
            },
            {"Authorization": "Bearer t"},
        )
    ]


def test_a_refusal_names_the_locker_and_the_cloud_s_answer(monkeypatch):
    _cloud(monkeypatch, 409, {"detail": "locker exists"})
    with pytest.raises(RegistrationRefused) as refused:
        register_locker("http://cloud", "L-1", [(1, "S")], name="Main St")
    assert (refused.value.locker_id, refused.value.status) == ("L-1", 409)
    assert str(refused.value).startswith("the cloud refused locker L-1: 409 ")
    assert isinstance(refused.value, RuntimeError)  # `locker provision` reports RuntimeErrors
