"""Keys, clearing, the entry limit and the courier session's end."""

from firmware.core.actions import Beep, Show
from firmware.core.events import KeyPressed, Tick
from firmware.core.keypad_entry import MAX_ENTRY
from tests.firmware.core.builders import (
    COURIER_CODE,
    NOW,
    PIN,
    controller,
    ready_for_deposit,
    state,
    type_keys,
)


def test_digits_beep():
    assert type_keys(controller(), "123") == [Beep("key")] * 3


def test_an_invalid_key_beeps_an_error_and_changes_nothing():
    ctl, _ = ready_for_deposit()
    type_keys(ctl, "12")
    before = state(ctl)
    for key in ["A", "", "12", " ", None, 5]:
        assert ctl.handle(KeyPressed(key), NOW) == [Beep("error")]
    assert state(ctl) == before
    assert type_keys(ctl, "#")[-2] == Show("Wrong code")  # "12" is still what was typed


def test_an_empty_submit_does_nothing():
    assert controller().handle(KeyPressed("#"), NOW) == []


def test_star_clears_the_entry():
    ctl, _ = ready_for_deposit()
    assert type_keys(ctl, "99*") == [Beep("key")] * 3
    assert type_keys(ctl, COURIER_CODE + "#")[-2] == Show("Courier: parcel code?")


def test_star_on_an_empty_entry_in_idle_just_beeps():
    ctl = controller()
    assert ctl.handle(KeyPressed("*"), NOW) == [Beep("key")]


def test_the_entry_holds_at_most_32_characters():
    ctl = controller()
    type_keys(ctl, "1" * MAX_ENTRY)
    assert ctl.handle(KeyPressed("2"), NOW) == [Beep("error")]


def test_star_with_text_in_a_courier_session_clears_but_keeps_the_session():
    ctl, _ = ready_for_deposit()
    type_keys(ctl, COURIER_CODE + "#12*")
    assert ctl.courier_session_active()


def test_star_on_an_empty_entry_ends_the_courier_session():
    ctl, _ = ready_for_deposit()
    type_keys(ctl, COURIER_CODE + "#")
    assert ctl.handle(KeyPressed("*"), NOW) == [Show("Session ended")]
    assert not ctl.courier_session_active()


def test_the_courier_session_ends_60_s_after_the_last_key():
    ctl, _ = ready_for_deposit()
    type_keys(ctl, COURIER_CODE + "#", NOW)
    type_keys(ctl, "12", NOW + 30_000)
    assert ctl.handle(Tick(), NOW + 89_999) == []
    assert ctl.handle(Tick(), NOW + 90_000) == [Show("Session ended")]
    assert not ctl.courier_session_active()


def test_after_the_session_timed_out_the_half_typed_code_is_gone():
    ctl, _ = ready_for_deposit("12345", 2)
    type_keys(ctl, COURIER_CODE + "#123", NOW)
    ctl.handle(Tick(), NOW + 60_000)
    assert type_keys(ctl, "45#", NOW + 60_001)[-2] == Show("Wrong code")


def test_invalid_keys_do_not_keep_a_courier_session_alive():
    ctl, _ = ready_for_deposit()
    type_keys(ctl, COURIER_CODE + "#", NOW)
    ctl.handle(KeyPressed("X"), NOW + 59_000)
    assert ctl.handle(Tick(), NOW + 60_000) == [Show("Session ended")]


def test_a_pin_does_not_open_a_courier_session():
    ctl, _ = ready_for_deposit()
    type_keys(ctl, PIN + "#")
    assert not ctl.courier_session_active()
