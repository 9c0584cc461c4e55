# The locker controller: one event and the time in, a list of actions out. The board's main
# loop, the simulator and the tests all drive it the same way; nothing in here reads a clock
# or touches hardware.
from firmware.core import phrases
from firmware.core.commands import Commands
from firmware.core.compartments import Compartments
from firmware.core.credentials import Credentials
from firmware.core.doors import Doors
from firmware.core.events import (
    BOOTED,
    CODE_SCANNED,
    CONNECTED,
    DISCONNECTED,
    DOOR_CLOSED,
    DOOR_OPENED,
    KEY_PRESSED,
    MESSAGE_RECEIVED,
    TICK,
)
from firmware.core.inventory import inventory
from firmware.core.journal import Journal
from firmware.core.keypad import Keypad
from firmware.core.lockout import Lockout
from firmware.core.settled import Settled
from firmware.core.uplink import Uplink
from protocol import wire

# 2 adds the doors in flight, 3 the parcels settled last, 4 the keypad lockout (wrong PINs
# counted); older snapshots still restore
SNAPSHOT_VERSION = 4
_READABLE = (1, 2, 3, SNAPSHOT_VERSION)


class Controller:
    def __init__(self, locker_id, key, compartments, pulse_ms=300, journal=None, lang="en"):
        """`lang`: the locker's language (config `lang`), what a recipient reads until a code
        matches; one the board has no lines in is English."""
        if not wire.is_code(locker_id):
            raise ValueError("bad locker id")
        lang = phrases.LANGUAGES.index(lang) if lang in phrases.LANGUAGES else 0
        self.locker_id = locker_id
        self._board_key = key
        self._inventory_when_replayed = False
        self._compartments = Compartments(compartments)
        self._credentials = Credentials()
        self._uplink = Uplink(locker_id, key, journal if journal is not None else Journal())
        self._settled = Settled()
        self._doors = Doors(
            self._compartments, self._credentials, self._uplink, pulse_ms, self._settled
        )
        self._lockout = Lockout(self._uplink, self._doors, lang)
        self._keypad = Keypad(
            key,
            self._compartments,
            self._credentials,
            self._doors,
            self._uplink.journal,
            self._lockout,
            self._uplink,
            lang,
        )
        self._commands = Commands(
            locker_id,
            key,
            self._compartments,
            self._credentials,
            self._doors,
            self._uplink,
            self._settled,
        )
        self._commands.courier_session = self._keypad.session  # answers to `unadvised`
        self._commands_topic = wire.topic(locker_id, "commands")

    def handle(self, event, now_ms):
        """The actions that `event`, happening at now_ms (ms since the Unix epoch), calls for."""
        handler = _HANDLERS.get(event[0])
        if handler is None:
            return []
        return handler(self, event, now_ms)

    def _key(self, event, now_ms):
        return self._keypad.pressed(event[1], now_ms)

    def _scanned(self, event, now_ms):
        return self._keypad.scanned(event[1], now_ms)

    def _door_opened(self, event, now_ms):
        return self._doors.opened(event[1], now_ms)

    def _door_closed(self, event, now_ms):
        actions = self._doors.closed(event[1], now_ms)
        return actions + self._keypad.door_closed(now_ms)  # a courier's next door, if queued

    def _booted(self, event, now_ms):
        return self._doors.boot(event[1], now_ms)

    def _message(self, event, now_ms):
        if event[1] != self._commands_topic:
            return []  # only our own commands topic is subscribed; anything else is noise
        actions = self._commands.receive(event[2], now_ms)
        if self._inventory_when_replayed and len(self._uplink.journal) == 0 and self.is_online():
            # the replay is acknowledged: nothing the journal could explain is left in flight
            self._inventory_when_replayed = False
            actions.append(self._inventory(now_ms))
        return actions

    def _connected(self, event, now_ms):
        actions = self._uplink.connected(now_ms) + [self._inventory(now_ms)]
        self._inventory_when_replayed = len(self._uplink.journal) > 0
        return actions

    def _inventory(self, now_ms):
        last_seq = self._uplink.journal.next_seq - 1
        return inventory(self.locker_id, self._board_key, self._compartments, last_seq, now_ms)

    def _disconnected(self, event, now_ms):
        return self._uplink.disconnected()

    def _tick(self, event, now_ms):
        actions = self._doors.check_timers(now_ms)
        actions += self._keypad.tick(now_ms)
        return actions + self._uplink.resend(now_ms)

    # introspection for the simulator, the board's status page and tests

    def will(self, now_ms):
        """(topic, payload) of the MQTT last will for the next connection attempt: offline, on
        the status topic, signed. Ask before every attempt; when durable_revision() moves, the
        flash must be written before the CONNECT goes out."""
        return self._uplink.will(now_ms)

    def compartment(self, number):
        return self._compartments.get(number)

    def compartment_numbers(self):
        return self._compartments.numbers()

    def has_reservation(self, parcel):
        return self._credentials.reservation(parcel) is not None

    def has_credential_for(self, parcel):
        return self._credentials.has_pickup(parcel)

    def has_return_code_for(self, parcel):
        return self._credentials.has_return(parcel)

    def parcels_to_collect(self):
        """[(cmp, parcel)] the cloud asked a courier to take away."""
        return self._credentials.to_collect()

    def pending_events(self):
        """Copies of the unacknowledged event bodies, in seq order."""
        return [dict(body) for body in self._uplink.journal.pending()]

    def next_seq(self):
        """The seq the next event will get: when it moves, the flash must be written now."""
        return self._uplink.journal.next_seq

    def durable_revision(self):
        """Moves whenever the flash must be written before the actions leave the board: a new
        event, a door opening started (a PIN consumed with it) or first seen open, a wrong PIN
        counted (a power cut must not give a guess back), connection numbers taken (a reset
        must not number a connection again)."""
        return (
            self._uplink.journal.next_seq,
            self._doors.revision,
            self._lockout.failures,
            self._uplink.conn_floor,
        )

    def courier_count(self):
        """How many courier codes the cloud has pushed to this board."""
        return self._credentials.courier_count()

    def keypad_wait_ms(self, now_ms):
        """How much longer the keypad refuses pickup attempts after wrong PINs (0: none)."""
        return self._lockout.wait_ms(now_ms)

    def courier_session_active(self):
        return self._keypad.session_active()

    def is_online(self):
        return self._uplink.online

    def snapshot(self, records=True):
        """Everything a reset must not lose, as plain JSON-able data (the flash store's job).
        Without `records`, the packed credential records are left out but for their slots
        changed since records_saved(): the store writes records() apart, batched."""
        return {
            "v": SNAPSHOT_VERSION,
            "counter": self.last_counter,
            "journal": self._uplink.journal.dump(),
            "credentials": self._credentials.dump(records),
            "compartments": self._compartments.dump(),
            "doors": self._doors.dump(),
            "settled": self._settled.dump(),
            "lockout": self._lockout.dump(),
            "conn": self._uplink.conn_floor,
        }

    def restore(self, data, records=None):
        """Take back a snapshot() after a reset (`records`: what records() gave, for one taken
        without them); ValueError for one this firmware cannot read."""
        if not isinstance(data, dict) or data.get("v") not in _READABLE:
            raise ValueError("unknown snapshot version")
        self.last_counter = data["counter"]
        self._uplink.journal.load(data["journal"])
        self._credentials.load(data["credentials"], records)
        self._compartments.load(data["compartments"])
        self._settled.load(data.get("settled", []))
        self._lockout.load(data.get("lockout"))
        self._uplink.restore_conn(data.get("conn", 1))  # absent before signed status
        self._doors.load(data.get("doors", []))  # then Booted settles them

    def footprint(self):
        """How many entries each collection that lives across transactions holds (records in
        bytes): for the benchmark's heap report and the tests that keep them bounded."""
        pickups, returns = self.records()
        return {
            "journal": len(self._uplink.journal),
            "publish_times": self._uplink.sent_count(),
            "reservations": self._credentials.reservation_count(),
            "pickup_bytes": len(pickups),
            "return_bytes": len(returns),
            "settled": len(self._settled),
            "refusals": self._commands.refusals_remembered(),
            "openings": self._doors.in_flight(),
            "courier_asked": self._keypad.session.asked_count(),
        }

    def records(self):
        """(pickup records, return records) as bytearrays, for the flash store to write out."""
        return self._credentials.records()

    def records_changed(self):
        """True when a credential record changed since records_saved()."""
        return self._credentials.records_changed()

    def records_saved(self):
        self._credentials.records_saved()

    @property
    def last_counter(self):
        """The highest command counter accepted so far (0 before the first)."""
        return self._commands.last_counter

    @last_counter.setter
    def last_counter(self, value):
        self._commands.last_counter = value  # restored from flash after a reset


_HANDLERS = {
    KEY_PRESSED: Controller._key,
    CODE_SCANNED: Controller._scanned,
    DOOR_OPENED: Controller._door_opened,
    DOOR_CLOSED: Controller._door_closed,
    MESSAGE_RECEIVED: Controller._message,
    CONNECTED: Controller._connected,
    DISCONNECTED: Controller._disconnected,
    TICK: Controller._tick,
    BOOTED: Controller._booted,
}
