"""The inventory after each reconnect: signed, checked by wire.check_inventory, small enough."""

import pytest

from firmware.core.compartments import Compartments
from firmware.core.events import Connected, Disconnected
from firmware.core.inventory import inventory
from protocol import wire
from tests.firmware.core.builders import KEY, NOW, with_deposits


def opened(action):
    return wire.check_inventory(wire.open_signed(KEY, action[2]))


def test_24_full_compartments_with_the_longest_codes_fit_the_payload_limit():
    compartments = Compartments([(n, "L") for n in range(976, 1000)])
    for number in compartments.numbers():
        compartments.get(number).state = "out_of_service"
        compartments.get(number).parcel = "X" * wire.MAX_CODE
    action = inventory("L" * wire.MAX_CODE, KEY, compartments, 2**40, NOW)
    assert len(action[2]) <= wire.MAX_PAYLOAD
    assert len(opened(action)["cmps"]) == 24
    assert (action[1], action[3], action[4]) == (
        "lockers/" + "L" * 32 + "/inventory",
        1,
        False,
    )


def test_the_inventory_is_sent_again_once_the_replayed_journal_is_acknowledged():
    ctl, cloud = with_deposits(["101"])
    ctl.handle(Disconnected(), NOW)
    on_connect = [a for a in ctl.handle(Connected(), NOW) if a[1].endswith("/inventory")]
    assert opened(on_connect[0])["seq"] == 1
    after_ack = ctl.handle(cloud.command("ack", seqs=[1]), NOW)
    assert [opened(a)["cmps"][0] for a in after_ack] == [[1, "occupied", "101"]]
    assert ctl.handle(cloud.command("ack", seqs=[1]), NOW) == []  # once per connect


@pytest.mark.parametrize(
    "bad",
    [
        {"lkr": "L1", "t": 0, "type": "inventory", "seq": 0, "cmps": [[1, "free"]]},
        {"lkr": "L1", "t": 0, "type": "inventory", "seq": 0, "cmps": [[0, "free", ""]]},
        {"lkr": "L1", "t": 0, "type": "inventory", "seq": 0, "cmps": [[1, "free", "a b"]]},
        {"lkr": "L1", "t": 0, "type": "telemetry", "seq": 0, "cmps": []},
        {"lkr": "L1", "t": 0, "type": "inventory", "cmps": []},
    ],
)
def test_a_malformed_inventory_is_refused(bad):
    with pytest.raises(wire.WireError):
        wire.check_inventory(bad)
