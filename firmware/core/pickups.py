# The board's pickup credentials, packed so 500 of them fit in 13 KB of an ESP32's heap: one
# bytearray of fixed records (16-byte verifier, compartment, expiry in seconds, a 32-bit tag
# of the parcel code), searched by a scan that compares one byte before the rest (500
# records take a couple of milliseconds, once per PIN typed; an index would cost more heap
# than the records). The parcel code itself is the compartment's: a credential only ever
# opens the compartment that holds its parcel, so the tag is enough to check that it does.
# The compartment field has room to spare (numbers stop at 999, ten bits): its top six bits
# hold the recipient's language (phrases.py, its index + 1; 0 for none given), so the records
# keep their size and the ones written before languages read as "none given".
import hashlib
from binascii import hexlify, unhexlify

try:
    from micropython import const  # mpy-cross inlines _X = const(n): no name on the board
except ImportError:  # CPython

    def const(value):  # type: ignore[misc]  # the stubs type it generically
        return value


# a record's fields: verifier, compartment, expiry (s), parcel tag; then the record's length
_V = const(0)
_CMP = const(16)
_UNTIL = const(18)
_TAG = const(22)
_RECORD = const(26)
_CMP_BITS = const(0x3FF)  # the compartment's number; above it, the language (_LANG_SHIFT)
_LANG_SHIFT = const(10)


def parcel_tag(parcel):
    """32 bits of SHA-256 of the parcel code: the same on the board and in CPython."""
    return int.from_bytes(hashlib.sha256(parcel.encode()).digest()[:4], "big")


class Pickups:
    def __init__(self):
        self._reset()

    def _reset(self):
        self._records = bytearray()
        # one flag per slot written since the records last reached flash whole (a byte each, not
        # a set: 500 slots cost 500 bytes): the flash store writes only these (small) before a
        # pulse, and the whole records later, batched
        self._changed = bytearray()

    def add(self, v_hex, parcel, cmp, until_ms, keep=None, lang=0):
        """`lang`: a small number (0..63) kept with the record and given back by drop()."""
        if not keep:  # a delegate's PIN (keep) lives next to the recipient's: first used wins
            self.drop(parcel)  # a re-issued credential replaces the parcel's old PIN
        v = unhexlify(v_hex)
        self.remove(v_hex)
        record = (
            v
            + (cmp | lang << _LANG_SHIFT).to_bytes(2, "big")
            + (until_ms // 1000).to_bytes(4, "big")
            + parcel_tag(parcel).to_bytes(4, "big")
        )
        slot = self._free_slot()
        self._records[slot * _RECORD : (slot + 1) * _RECORD] = record
        self._mark(slot)

    def find(self, v_hex, now_ms):
        """(cmp, parcel tag) of the live credential with verifier v_hex, or None."""
        slot = self._slot(unhexlify(v_hex))
        if slot is None:
            return None
        base = slot * _RECORD
        if _int(self._records, base + _UNTIL, 4) * 1000 < now_ms:
            return None  # expired (stored in whole seconds, so up to a second early, never late)
        return _int(self._records, base + _CMP, 2) & _CMP_BITS, _int(self._records, base + _TAG, 4)

    def remove(self, v_hex):
        slot = self._slot(unhexlify(v_hex))
        if slot is not None:
            self._clear(slot)

    def has(self, parcel):
        return len(self._slots_of(parcel_tag(parcel))) > 0

    def verifiers_of(self, parcel, cmp, now_ms):
        """The verifiers (hex) of `parcel`'s credentials for compartment `cmp` live at now_ms:
        what a QR code of that parcel must be bound to (qr_tokens.py)."""
        found = []
        for slot in self._slots_of(parcel_tag(parcel)):
            base = slot * _RECORD
            if (
                _int(self._records, base + _CMP, 2) & _CMP_BITS == cmp
                and _int(self._records, base + _UNTIL, 4) * 1000 >= now_ms
            ):
                found.append(hexlify(self._records[base : base + 16]).decode())
        return found

    def drop(self, parcel):
        """Forget every record of `parcel`; the `lang` they were added with (0 for none)."""
        lang = 0
        for slot in self._slots_of(parcel_tag(parcel)):
            lang = lang or self._records[slot * _RECORD + _CMP] >> (_LANG_SHIFT - 8)
            self._clear(slot)
        return lang

    def dump(self):
        rows = []
        for slot in self._live_slots():
            base = slot * _RECORD
            rows.append(
                [
                    hexlify(self._records[base : base + 16]).decode(),
                    _int(self._records, base + _CMP, 2) & _CMP_BITS,
                    _int(self._records, base + _UNTIL, 4),
                    _int(self._records, base + _TAG, 4),
                    self._records[base + _CMP] >> (_LANG_SHIFT - 8),
                ]
            )
        return rows

    # --- on flash: the records whole (batched), and the slots changed since (written at once) ---
    def records(self):
        """The packed records themselves, to be written out without a copy."""
        return self._records

    def changes(self):
        """[[slot, record hex]] of the slots changed since saved()."""
        return [
            [slot, hexlify(self._records[slot * _RECORD : (slot + 1) * _RECORD]).decode()]
            for slot in range(len(self._changed))
            if self._changed[slot]
        ]

    def has_changes(self):
        return any(self._changed)

    def saved(self):
        """The records reached flash whole: no slot is owed any more."""
        self._changed = bytearray()

    def load_records(self, records, changes):
        """Take back records() (a bytearray, kept as is) with changes() written after them; the
        changed slots stay owed to the records on flash."""
        if len(records) % _RECORD:
            raise ValueError("bad pickup records")
        self._records, self._changed = records, bytearray()
        for slot, record_hex in changes:
            record = unhexlify(record_hex)
            if slot < 0 or len(record) != _RECORD:
                raise ValueError("bad pickup record")
            while len(self._records) < (slot + 1) * _RECORD:
                self._records.extend(bytes(_RECORD))
            self._records[slot * _RECORD : (slot + 1) * _RECORD] = record
            self._mark(slot)

    def load(self, rows):
        self._reset()
        for row in rows:
            v_hex, cmp, until_s, tag = row[:4]
            lang = row[4] if len(row) > 4 else 0  # rows dumped before languages have none
            slot = self._free_slot()
            self._records[slot * _RECORD : (slot + 1) * _RECORD] = (
                unhexlify(v_hex)
                + (cmp | lang << _LANG_SHIFT).to_bytes(2, "big")
                + until_s.to_bytes(4, "big")
                + tag.to_bytes(4, "big")
            )

    # --- slots ------------------------------------------------------------------------------
    def _slot(self, v):
        records, first = self._records, v[0]
        for slot in range(len(records) // _RECORD):
            if records[slot * _RECORD] == first and self._matches(slot, v):
                return slot
        return None

    def _matches(self, slot, v):
        base = slot * _RECORD
        return (
            self._records[base + _CMP] | self._records[base + _CMP + 1]
            and self._records[base : base + 16] == v
        )

    def _clear(self, slot):
        base = slot * _RECORD
        self._records[base + _CMP] = self._records[base + _CMP + 1] = 0  # cmp 0: a free slot
        self._mark(slot)

    def _mark(self, slot):
        if len(self._changed) <= slot:
            self._changed.extend(bytes(slot + 1 - len(self._changed)))
        self._changed[slot] = 1

    def _free_slot(self):
        for slot in range(len(self._records) // _RECORD):
            if not self._is_live(slot):
                return slot
        self._records.extend(bytes(_RECORD))
        return len(self._records) // _RECORD - 1

    def _is_live(self, slot):
        base = slot * _RECORD + _CMP
        return self._records[base] | self._records[base + 1] != 0

    def _live_slots(self):
        return [slot for slot in range(len(self._records) // _RECORD) if self._is_live(slot)]

    def _slots_of(self, tag):
        # one byte of the tag before the rest, as _slot() does: a PIN's parcel is dropped
        # between the key and the pulse, and 500 records unpacked whole took ~6 ms there
        records, wanted = self._records, tag.to_bytes(4, "big")
        first, found = wanted[0], []
        for at in range(_TAG, len(records), _RECORD):
            if records[at] == first and records[at : at + 4] == wanted:
                slot = at // _RECORD
                if self._is_live(slot):
                    found.append(slot)
        return found


def _int(data, start, length):
    value = 0
    for i in range(start, start + length):
        value = (value << 8) | data[i]
    return value
