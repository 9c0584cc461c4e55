"""The typed entry: at most 32 characters, taken whole on submit."""

from firmware.core.keypad_entry import MAX_ENTRY, KeypadEntry, is_key


def test_valid_keys():
    assert all(is_key(k) for k in "0123456789*#")
    assert not any(is_key(k) for k in ["A", "", "12", " ", None, 1, b"1"])


def test_take_returns_the_text_and_empties_the_entry():
    entry = KeypadEntry()
    entry.add("1")
    entry.add("2")
    assert entry.take() == "12"
    assert entry.is_empty()


def test_the_entry_stops_at_its_maximum():
    entry = KeypadEntry()
    assert all(entry.add("1") for _ in range(MAX_ENTRY))
    assert not entry.add("2")
    assert entry.text() == "1" * MAX_ENTRY
