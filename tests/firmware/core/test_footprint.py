"""What the controller keeps across transactions stays bounded: after a day's worth of deposits
and pickups, each acknowledged, with replayed commands and wrong PINs among them, every
collection (footprint()) is as big as after the first few, and the packed credential records
have not grown past the credentials stored. The board's heap must be flat over 10,000
transactions (benchmarks/firmware_micropython.py); this is that, without the interpreter."""

from firmware.core.events import Connected, DoorClosed, DoorOpened, Tick
from firmware.core.refusals import Refusals
from firmware.core.settled import Settled
from tests.firmware.core.builders import (
    COURIER_CODE,
    NOW,
    Cloud,
    controller,
    couriers,
    pin_credential,
    run,
    type_keys,
)

STORED = 50  # credentials for parcels that stay in the locker all along
LAYOUT = [(n, "M") for n in range(1, 25)]
FIRST = 50  # transactions that fill every bounded memory (settled, refusals) once
WORK = (1, 2, 3, 4)  # where the transactions happen; the stored parcels sit in the rest


def acknowledge(ctl, cloud, now):
    seqs = [body["seq"] for body in ctl.pending_events()]
    return run(ctl, [cloud.command("ack", seqs=seqs)], now) if seqs else []


def transaction(ctl, cloud, n, now):
    """A deposit and its pickup, acknowledged; every fifth with a replayed command and a
    wrong PIN first."""
    cmp, parcel, pin = WORK[n % 4], "8%05d" % n, "7%05d" % n
    run(ctl, [cloud.command("reserve", parcel=parcel, cmp=cmp)], now)
    type_keys(ctl, COURIER_CODE + "#" + parcel + "#", now)
    run(ctl, [DoorOpened(cmp), DoorClosed(cmp)], now)
    type_keys(ctl, "*", now)
    acknowledge(ctl, cloud, now)
    credential = pin_credential(cloud, parcel, cmp, pin=pin, until=now + 86_400_000)
    run(ctl, [credential], now)
    if n % 5 == 0:
        run(ctl, [credential], now)  # replayed: refused, reported once
        type_keys(ctl, "999999#", now)  # a wrong PIN, counted and forgotten at the pickup
    type_keys(ctl, pin + "#", now)
    run(ctl, [DoorOpened(cmp), DoorClosed(cmp), Tick()], now)
    acknowledge(ctl, cloud, now)


def test_a_day_of_transactions_leaves_every_collection_as_it_was():
    ctl, cloud, now = controller(LAYOUT), Cloud(), NOW
    run(ctl, [couriers(cloud, COURIER_CODE), Connected()], now)
    for i in range(STORED):
        run(ctl, [pin_credential(cloud, "C%d" % i, 5 + i % 20, pin="6%05d" % i)], now)
    acknowledge(ctl, cloud, now)
    for n in range(FIRST):  # every bounded memory (settled, refusals) filled once
        transaction(ctl, cloud, n, now + n * 1000)  # (the cloud's commands live an hour)
    after_first = ctl.footprint()

    for n in range(FIRST, 4 * FIRST):
        transaction(ctl, cloud, n, now + n * 1000)

    footprint = ctl.footprint()
    # refused commands are remembered up to a bound (and reported 5 a minute: it fills slowly)
    assert footprint.pop("refusals") <= Refusals.remembered
    assert footprint["settled"] == Settled.remembered
    del after_first["refusals"]
    assert footprint == after_first
    # the stored credentials and one slot for the parcel in flight: freed slots are reused
    assert after_first["pickup_bytes"] <= (STORED + 1) * 26
    assert after_first["journal"] == after_first["publish_times"] == 0
    assert after_first["reservations"] == after_first["openings"] == 0
