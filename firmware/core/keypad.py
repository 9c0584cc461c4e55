# What a person at the keypad can do (protocol.md, "Keypad"): a recipient types a PIN (or a
# return code) and '#'; a courier types a courier code (wire.COURIER_CODE_MIN digits or more,
# longer than any PIN) and '#', then parcel codes, each followed by '#' (courier_session.py).
# Wrong PINs and courier codes close the keypad for a while (lockout.py); a courier's parcel
# codes do not. A recipient reads the display in the locker's language until a code matches,
# then in the one the cloud sent with that parcel's credential (phrases.py).
from firmware.core import phrases
from firmware.core.actions import ERROR, KEY, OK, Beep, Show
from firmware.core.courier_session import COURIER_PROMPT, UNKNOWN_PARCEL, CourierSession  # noqa: F401 (re-exported)
from firmware.core.keypad_entry import KeypadEntry, is_key
from firmware.core.openings import PICKUP, RETURN
from firmware.core.pickups import parcel_tag
from protocol import verifiers, wire
from protocol.qr_tokens import mac_matches, read_qr_token

SESSION_ENDED = "Session ended"


class Keypad:
    courier_timeout_ms = 60000  # a courier session ends after this long without a key

    def __init__(self, key, compartments, credentials, doors, journal, lockout, uplink, lang=0):
        self._key = key
        self.lang = lang  # the locker's language (a phrases.LANGUAGES index)
        self._compartments = compartments
        self._credentials = credentials
        self._doors = doors
        self._journal = journal
        self._lockout = lockout
        self.entry = KeypadEntry()
        self.courier_last_key_ms = None  # None when no courier session is open
        self.session = CourierSession(compartments, credentials, doors, uplink, self._refusal)

    def session_active(self):
        return self.courier_last_key_ms is not None

    def pressed(self, key, now_ms):
        if not is_key(key):
            return [Beep(ERROR)]
        if self.session_active():
            self.courier_last_key_ms = now_ms
            if self.session.menu and key != "*":
                return self.session.menu_key(key, now_ms)
        if key == "#":
            return self._submit(self.entry.take(), now_ms)
        if key == "*":
            return self._star()
        return [Beep(KEY)] if self.entry.add(key) else [Beep(ERROR)]

    def scanned(self, code, now_ms):
        """A code read by the QR/barcode scanner counts as that code typed and submitted."""
        if not wire.is_code(code):
            # the driver already drops garbage; this is the last guard
            return _refuse(phrases.say(self.lang, "Unreadable code"))
        if self.session_active():
            self.courier_last_key_ms = now_ms
        self.entry.clear()
        if not self.session_active():
            refusal = self._lockout.refusal(now_ms)
            if refusal:
                return refusal  # not even checked: a right code is no better than a wrong one
        token = None if self.session_active() else read_qr_token(code)  # a courier scans parcels
        if token is not None:
            return self._qr_pickup(token, now_ms)
        return self._submit(code, now_ms)

    def tick(self, now_ms):
        if not self.session_active():
            return []
        if now_ms - self.courier_last_key_ms >= self.courier_timeout_ms:
            return self._end_session()
        return self.session.tick(now_ms)

    def door_closed(self, now_ms):
        """A door closed: in a courier session the next queued door opens (and the courier,
        busy with doors, has not gone away)."""
        if not self.session_active():
            return []
        if self.session.menu and not self.session.menu_available():
            # '*' then the door shut, no '1' or '2': the courier meant "done" (the '*' that ends
            # a session), and the parcel went in
            return self._end_session()
        self.courier_last_key_ms = now_ms
        return self.session.advance(now_ms)

    def _star(self):
        if self.entry.is_empty() and self.session_active():
            if self.session.menu or not self.session.menu_available():
                return self._end_session()
            return self.session.open_menu()
        self.entry.clear()
        return [Beep(KEY)]

    def _end_session(self):
        self.courier_last_key_ms = None
        self.entry.clear()
        self.session.end()
        return [Show(SESSION_ENDED)]

    def _submit(self, typed, now_ms):
        if not typed:
            return []
        if self.session_active():
            return self.session.entered(typed, now_ms)
        refusal = self._lockout.refusal(now_ms)
        if refusal:
            return refusal  # not even checked, a courier code neither: it could be guessed too
        if len(typed) < wire.COURIER_CODE_MIN:  # a PIN or return code: always shorter
            return self._pickup(verifiers.pin_verifier(self._key, typed), now_ms)
        if self._credentials.is_courier(verifiers.courier_verifier(self._key, typed), now_ms):
            self.courier_last_key_ms = now_ms
            return self.session.start(now_ms)
        return self._wrong(now_ms, True)  # a wrong courier code: counted apart too

    def _pickup(self, v, now_ms):
        found = self._credentials.pickup(v, now_ms)
        if found is None:
            return self._return_drop_off(v, now_ms)
        cmp, tag = found
        parcel = self._compartments.get(cmp).parcel
        holds_it = parcel is not None and parcel_tag(parcel) == tag  # its parcel, nobody else's
        refusal = self._refusal(
            cmp, holds_it and self._compartments.get(cmp).can_open_for_pickup(parcel), self.lang
        )
        if refusal:
            return refusal
        return self._hand_out(cmp, parcel, now_ms)

    def _qr_pickup(self, token, now_ms):
        cmp, expires_s, mac = token
        compartment = self._compartments.get(cmp)
        parcel = compartment.parcel if compartment is not None else None
        # the code must be this board's, unexpired, and bound to a credential of the parcel
        # inside that is live now: one of an earlier stay, or a revoked one, opens nothing
        if parcel is None or expires_s * 1000 < now_ms or not self._binds(token, parcel, now_ms):
            return self._wrong(now_ms)
        refusal = self._refusal(cmp, compartment.can_open_for_pickup(parcel), self.lang)
        if refusal:
            return refusal
        return self._hand_out(cmp, parcel, now_ms)

    def _binds(self, token, parcel, now_ms):
        cmp, expires_s, mac = token
        for v in self._credentials.pickup_verifiers(parcel, cmp, now_ms):  # recipient's, delegate's
            if mac_matches(self._key, v, cmp, parcel, expires_s, mac):
                return True
        return False

    def _hand_out(self, cmp, parcel, now_ms):
        # the door opens once per stay: every PIN and QR code of the parcel dies with this one
        # (the recipient's and a delegate's alike), so none is left for a later parcel that
        # comes with the same code into the same compartment
        lang = self._credentials.drop_pickup(parcel)  # the parcel's language, plus one
        self._lockout.succeeded()
        lang = lang - 1 if 0 < lang <= len(phrases.LANGUAGES) else self.lang
        return self._doors.open(cmp, PICKUP, parcel, now_ms, lang) + [Beep(OK)]

    def _return_drop_off(self, v, now_ms):
        # a return code is checked like a PIN (same verifier, same lockout) and opens the
        # compartment the cloud reserved for the return
        found = self._credentials.return_drop_off(v, now_ms)
        if found is None:
            return self._wrong(now_ms)
        cmp, parcel = found
        ready = self._compartments.get(cmp).can_open_for_deposit(parcel)
        refusal = self._refusal(cmp, ready, self.lang)
        if refusal:
            return refusal
        self._credentials.consume_return(v)  # single use, like a PIN
        self._lockout.succeeded()
        return self._doors.open(cmp, RETURN, parcel, now_ms, self.lang) + [Beep(OK)]

    def _wrong(self, now_ms, courier=False):
        wrong = _refuse(phrases.say(self.lang, "Wrong code"))
        return wrong + self._lockout.failed(now_ms, courier)

    def _refusal(self, cmp, door_ready, lang=0):
        """Why door `cmp` cannot open now, said in `lang` (0, English, for a courier), or None."""
        if not door_ready or self._doors.busy(cmp):
            return _refuse(phrases.say(lang, "Door %d unavailable") % cmp)
        # each door in flight may still journal one event: keep a slot for every one of them
        if self._journal.room() <= self._doors.in_flight():
            return _refuse(phrases.say(lang, "Locker offline - try later"))
        return None


def _refuse(text):
    return [Show(text), Beep(ERROR)]
