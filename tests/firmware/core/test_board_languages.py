"""The recipient reads the display in their own language once their code matches (the one the
cloud sent with the credential), and in the locker's before that (protocol.md, "Languages")."""

import pytest

from firmware.core.actions import Beep, Pulse, Show
from firmware.core.events import CodeScanned, Connected, Tick
from protocol.qr_tokens import qr_token
from protocol.verifiers import pin_verifier
from tests.firmware.core.builders import (
    KEY,
    LATER,
    NOW,
    PIN,
    Cloud,
    controller,
    pin_credential,
    state,
    type_keys,
)

DOOR_OPEN = {"en": "Door 1 open", "de": "Tuer 1 offen", "pl": "Skrytka 1 otwarta"}
WRONG = {"en": "Wrong code", "de": "Falscher Code", "pl": "Zly kod"}
WAIT = {
    "en": "Too many attempts - wait 2 s",
    "de": "Zu viele Versuche - 2 s warten",
    "pl": "Za duzo prob - czekaj 2 s",
}
JAMMED = {
    "en": "Door 1 jammed - call support",
    "de": "Tuer 1 klemmt - Support anrufen",
    "pl": "Skrytka 1 zablokowana - infolinia",
}


def stocked(locker_lang="en", **fields):
    """A connected board of a locker speaking `locker_lang`, a parcel in 1 with a live PIN."""
    ctl, cloud = controller(lang=locker_lang), Cloud()
    ctl.handle(pin_credential(cloud, "PKG-1", 1, **fields), NOW)
    ctl.handle(Connected(), NOW)
    return ctl, cloud


@pytest.mark.parametrize("lang", ["en", "de", "pl"])
def test_the_door_opens_in_the_recipients_language(lang):
    ctl, _ = stocked("en", lang=lang)
    actions = type_keys(ctl, PIN + "#")
    assert actions[-3:] == [Pulse(1, 300), Show(DOOR_OPEN[lang]), Beep("ok")]


@pytest.mark.parametrize("lang", ["en", "de", "pl"])
def test_a_wrong_code_is_told_in_the_lockers_language(lang):
    ctl, _ = stocked(lang, lang="pl" if lang != "pl" else "de")  # not the parcel's: no match
    assert type_keys(ctl, "1234#")[-1:] == [Beep("error")]
    assert Show(WRONG[lang]) in type_keys(ctl, "1235#")


@pytest.mark.parametrize("lang", ["en", "de", "pl"])
def test_the_lockout_wait_is_told_in_the_lockers_language(lang):
    ctl, _ = stocked(lang)
    for guess in ("1111#", "2222#", "3333#"):  # the free attempts, then the window starts
        type_keys(ctl, guess)
    assert Show(WAIT[lang]) in type_keys(ctl, PIN + "#")


@pytest.mark.parametrize("lang", ["en", "de", "pl"])
def test_a_jammed_pickup_door_is_told_in_the_recipients_language(lang):
    ctl, _ = stocked("en", lang=lang)
    type_keys(ctl, PIN + "#")
    ctl.handle(Tick(), NOW + 5000)  # not seen open: pulsed again
    assert Show(JAMMED[lang]) in ctl.handle(Tick(), NOW + 10000)


def test_a_credential_without_a_language_speaks_the_lockers():
    ctl, _ = stocked("de")
    assert Show(DOOR_OPEN["de"]) in type_keys(ctl, PIN + "#")


def test_a_language_the_board_has_no_lines_in_speaks_the_lockers():
    ctl, _ = stocked("pl", lang="fr")  # a newer cloud's: taken, not refused
    assert Show(DOOR_OPEN["pl"]) in type_keys(ctl, PIN + "#")


def test_a_locker_language_the_board_has_no_lines_in_is_english():
    ctl, _ = stocked("fr")
    assert Show(WRONG["en"]) in type_keys(ctl, "1234#")


def test_a_credential_with_a_malformed_language_changes_nothing():
    ctl, cloud = controller(), Cloud()
    before = state(ctl)
    assert ctl.handle(pin_credential(cloud, "PKG-1", 1, lang=7), NOW) == []
    assert ctl.handle(pin_credential(cloud, "PKG-1", 1, lang=""), NOW) == []
    assert state(ctl) == before


def test_a_qr_code_opens_in_the_recipients_language():
    ctl, _ = stocked("en", lang="de")
    token = qr_token(KEY, pin_verifier(KEY, PIN), 1, "PKG-1", LATER // 1000)
    assert Show(DOOR_OPEN["de"]) in ctl.handle(CodeScanned(token), NOW)


def test_a_delegates_pin_opens_in_the_parcels_language():
    ctl, cloud = stocked("en", lang="pl")
    ctl.handle(pin_credential(cloud, "PKG-1", 1, pin="8642", keep=1, lang="pl"), NOW)
    assert Show(DOOR_OPEN["pl"]) in type_keys(ctl, "8642#")


@pytest.mark.parametrize("records", [True, False])
def test_the_language_survives_a_reset(records):
    ctl, _ = stocked("en", lang="de")
    again = controller()
    again.restore(ctl.snapshot(records), ctl.records() if not records else None)
    assert Show(DOOR_OPEN["de"]) in type_keys(again, PIN + "#")


def test_a_snapshot_from_before_languages_restores_in_the_lockers_language():
    ctl, _ = stocked("de", lang="pl")
    snapshot = ctl.snapshot()
    for row in snapshot["credentials"]["pickups"]:
        del row[4]  # rows were [verifier, cmp, until, tag]
    again = controller(lang="de")
    again.restore(snapshot)
    assert Show(DOOR_OPEN["de"]) in type_keys(again, PIN + "#")
