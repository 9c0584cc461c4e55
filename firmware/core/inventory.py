# The board's inventory (protocol.md, "Reconciliation"): after each reconnect's journal replay
# the board tells the cloud what every compartment holds, so the two can be compared. The door
# sensors and the journal are the truth; the cloud raises an alarm where it disagrees.
from firmware.core.actions import Publish
from protocol import wire


def inventory(locker_id, key, compartments, last_seq, now_ms):
    """The signed inventory as a Publish action (QoS 1, not retained, not journaled)."""
    rows = []
    for number in compartments.numbers():
        compartment = compartments.get(number)
        rows.append([number, compartment.state, compartment.parcel or ""])
    body = {"lkr": locker_id, "t": now_ms, "type": "inventory", "seq": last_seq, "cmps": rows}
    return Publish(wire.topic(locker_id, "inventory"), wire.sign(key, body), 1, False)
