"""Small real helpers for the firmware core's tests: a controller, signed commands, typing."""

from firmware.core.actions import PUBLISH
from firmware.core.controller import Controller
from firmware.core.events import Connected, DoorClosed, DoorOpened, KeyPressed, MessageReceived
from protocol import verifiers, wire

LOCKER = "L1"
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
NOW = 1_700_000_000_000
LATER = NOW + 3_600_000
LAYOUT = [(1, "S"), (2, "M"), (3, "L")]
COMMANDS = wire.topic(LOCKER, "commands")
EVENTS = wire.topic(LOCKER, "events")
STATUS = wire.topic(LOCKER, "status")
COURIER_CODE = "9999999999"  # wire.COURIER_CODE_MIN digits: no PIN is that long
PIN = "4711"


def controller(layout=LAYOUT, **kwargs):
    return Controller(LOCKER, KEY, layout, **kwargs)


class Cloud:
    """Builds signed commands the way the bridge's relay does: counters increasing."""

    def __init__(self, key=KEY, locker=LOCKER):
        self.key = key
        self.locker = locker
        self.ctr = 0

    def body(self, type_, exp=LATER, **fields):
        self.ctr += 1
        body = {"lkr": self.locker, "ctr": self.ctr, "exp": exp, "type": type_}
        body.update(fields)
        return body

    def command(self, type_, **fields):
        return MessageReceived(COMMANDS, wire.sign(self.key, self.body(type_, **fields)))


def message(key, body):
    return MessageReceived(COMMANDS, wire.sign(key, body))


def run(ctl, events, now=NOW):
    """All actions for `events`, handled one after another at `now`."""
    actions = []
    for event in events:
        actions += ctl.handle(event, now)
    return actions


def keys(text):
    return [KeyPressed(k) for k in text]


def type_keys(ctl, text, now=NOW):
    return run(ctl, keys(text), now)


def pin_credential(cloud, parcel, cmp, pin=PIN, until=LATER, **fields):
    return cloud.command(
        "credential",
        parcel=parcel,
        cmp=cmp,
        v=verifiers.pin_verifier(cloud.key, pin),
        until=until,
        **fields,
    )


def couriers(cloud, *codes):
    return cloud.command("couriers", v=[verifiers.courier_verifier(cloud.key, c) for c in codes])


def ready_for_deposit(parcel="12345", cmp=2, online=True):
    """A controller (connected or not) that knows the courier and a reservation."""
    ctl, cloud = controller(), Cloud()
    run(ctl, [couriers(cloud, COURIER_CODE), cloud.command("reserve", parcel=parcel, cmp=cmp)])
    if online:
        ctl.handle(Connected(), NOW)
    return ctl, cloud


def deposit(ctl, parcel, cmp, now=NOW):
    """A courier logs in, deposits `parcel` and shuts door `cmp`; all the actions."""
    actions = type_keys(ctl, COURIER_CODE + "#" + parcel + "#", now)
    return actions + run(ctl, [DoorOpened(cmp), DoorClosed(cmp)], now)


def event_bodies(actions):
    """The bodies of the events published among `actions`."""
    return [
        wire.check_event(wire.open_signed(KEY, a[2]))
        for a in actions
        if a[0] == PUBLISH and a[1] == EVENTS
    ]


def state(ctl, parcels=("PKG-1", "PKG-2", "12345", "777")):
    """Everything observable about a controller, for 'nothing changed' assertions."""
    return {
        "compartments": [
            (n, ctl.compartment(n).state, ctl.compartment(n).parcel)
            for n in ctl.compartment_numbers()
        ],
        "reservations": [p for p in parcels if ctl.has_reservation(p)],
        "credentials": [p for p in parcels if ctl.has_credential_for(p)],
        "pending": ctl.pending_events(),
        "last_counter": ctl.last_counter,
        "courier": ctl.courier_session_active(),
        "online": ctl.is_online(),
    }


def with_deposits(parcels, **kwargs):
    """A connected controller in which the courier deposited `parcels` into doors 1, 2, ..."""
    layout = [(n, "S") for n in range(1, len(parcels) + 2)]
    ctl, cloud = controller(layout, **kwargs), Cloud()
    run(ctl, [couriers(cloud, COURIER_CODE), Connected()])
    type_keys(ctl, COURIER_CODE + "#")
    for cmp, parcel in enumerate(parcels, 1):
        ctl.handle(cloud.command("reserve", parcel=parcel, cmp=cmp), NOW)
        type_keys(ctl, parcel + "#")
        run(ctl, [DoorOpened(cmp), DoorClosed(cmp)])
    return ctl, cloud
