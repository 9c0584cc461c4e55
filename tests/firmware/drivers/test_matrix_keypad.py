"""The keypad: a press reported at the first scan that reads it, once; releases debounced;
rollover, and no ghost keys."""

import pytest

from firmware.drivers.matrix_keypad import KEYS_3X4, KEYS_4X4, MatrixKeypad
from tests.firmware.drivers.fakes import FakeKeypadMatrix

DEBOUNCE = MatrixKeypad.debounce_ms


def keypad_3x4():
    matrix = FakeKeypadMatrix(4, 3)
    return MatrixKeypad(matrix.rows, matrix.cols, KEYS_3X4), matrix


def where(key, keys=KEYS_3X4, n_cols=3):
    i = keys.index(key)
    return i // n_cols, i % n_cols


def run(keypad, start, end, step=5):
    """Every key reported by polls from start up to (not including) end."""
    keys = []
    for t in range(start, end, step):
        keys += keypad.poll(t)
    return keys


def test_a_press_is_reported_at_the_first_poll_once_and_not_while_held():
    keypad, matrix = keypad_3x4()
    assert run(keypad, 0, 100) == []
    matrix.press(*where("5"))
    assert keypad.poll(100) == ["5"]  # no debounce wait: keypad-to-pulse latency rides on it
    assert run(keypad, 105, 2000) == []


class SpikyMatrix(FakeKeypadMatrix):
    """A key that reads down for one whole scan only: a spike (a solenoid's kick, ESD)."""

    def __init__(self, n_rows, n_cols, key):
        super().__init__(n_rows, n_cols)
        self.press(*key)
        self.reads_left = n_rows * n_cols  # every column read once per row: one scan

    def column_level(self, col):
        self.reads_left -= 1
        level = super().column_level(col)
        if self.reads_left == 0:
            self.pressed.clear()
        return level


def test_a_spike_one_scan_long_is_no_press():
    matrix = SpikyMatrix(4, 3, where("#"))
    keypad = MatrixKeypad(matrix.rows, matrix.cols, KEYS_3X4)
    assert run(keypad, 0, 200) == []


def test_a_release_counts_only_once_it_has_held_the_debounce():
    keypad, matrix = keypad_3x4()
    matrix.press(*where("3"))
    keys = run(keypad, 0, 100)
    matrix.release(*where("3"))
    keys += run(keypad, 100, 100 + DEBOUNCE, step=1)
    matrix.press(*where("3"))  # too soon: the same press, its contact bouncing
    keys += run(keypad, 100 + DEBOUNCE, 200)
    matrix.release(*where("3"))
    keys += run(keypad, 200, 200 + DEBOUNCE + 1, step=1)
    matrix.press(*where("3"))  # released for good: a new press
    keys += run(keypad, 200 + DEBOUNCE + 1, 300)
    assert keys == ["3", "3"]


def test_release_and_press_again_reports_again():
    keypad, matrix = keypad_3x4()
    keys = []
    for t0 in (0, 200, 400):
        matrix.press(*where("7"))
        keys += run(keypad, t0, t0 + 100)
        matrix.release(*where("7"))
        keys += run(keypad, t0 + 100, t0 + 200)
    assert keys == ["7", "7", "7"]


def test_contact_bounce_is_one_press():
    keypad, matrix = keypad_3x4()
    keys = []
    for t in range(0, 25, 5):  # chattering for 25 ms, each change restarting the window
        (matrix.press if t % 10 == 0 else matrix.release)(*where("0"))
        keys += keypad.poll(t)
    keys += run(keypad, 25, 300)
    assert keys == ["0"]


def test_a_release_bounce_is_not_a_new_press():
    keypad, matrix = keypad_3x4()
    matrix.press(*where("#"))
    keys = run(keypad, 0, 100)
    matrix.release(*where("#"))
    keypad.poll(100)
    matrix.press(*where("#"))  # the contact touches again 5 ms after letting go
    keypad.poll(105)
    matrix.release(*where("#"))
    keys += run(keypad, 110, 400)
    assert keys == ["#"]


def test_rollover_a_second_key_pressed_while_the_first_is_held_is_reported():
    keypad, matrix = keypad_3x4()
    matrix.press(*where("1"))
    keys = run(keypad, 0, 100)
    matrix.press(*where("9"))
    keys += run(keypad, 100, 200)
    matrix.release(*where("1"))
    keys += run(keypad, 200, 300)
    matrix.press(*where("1"))
    keys += run(keypad, 300, 400)
    assert keys == ["1", "9", "1"]


def test_two_keys_in_one_row_or_one_column_are_both_reported():
    keypad, matrix = keypad_3x4()
    for key in "123":
        matrix.press(*where(key))
    assert sorted(run(keypad, 0, 100)) == ["1", "2", "3"]
    keypad, matrix = keypad_3x4()
    for key in "258":
        matrix.press(*where(key))
    assert sorted(run(keypad, 0, 100)) == ["2", "5", "8"]


def test_the_fake_matrix_does_ghost_so_the_next_test_means_something():
    matrix = FakeKeypadMatrix(4, 3)
    for key in "124":  # three corners of the 1-2-4-5 rectangle
        matrix.press(*where(key))
    matrix.rows[1].value(0)  # scan row 1 (keys 4 5 6)
    assert [col.value() for col in matrix.cols] == [0, 0, 1]  # "5" reads pressed: a ghost


def test_a_ghost_key_is_never_reported():
    keypad, matrix = keypad_3x4()
    for key in "12":
        matrix.press(*where(key))
    keys = run(keypad, 0, 100)
    matrix.press(*where("4"))  # now 1, 2, 4 are down and 5 reads as pressed too
    keys += run(keypad, 100, 300)
    assert "5" not in keys and "4" not in keys  # an ambiguous scan is trusted for no key
    matrix.release(*where("1"))  # 2 and 4 alone: no rectangle, no ghost
    keys += run(keypad, 300, 500)
    assert keys == ["1", "2", "4"]


def test_only_one_row_is_driven_low_at_a_time_and_all_idle_high():
    keypad, matrix = keypad_3x4()
    for key in "159#":
        matrix.press(*where(key))
    run(keypad, 0, 100)
    assert matrix.most_rows_low == 1
    assert [row.level for row in matrix.rows] == [1, 1, 1, 1]


def test_a_4x4_keypad_reports_its_letters():
    matrix = FakeKeypadMatrix(4, 4)
    keypad = MatrixKeypad(matrix.rows, matrix.cols, KEYS_4X4)
    for key in "AD":
        matrix.press(*where(key, KEYS_4X4, 4))
    assert sorted(run(keypad, 0, 100)) == ["A", "D"]


def test_a_layout_that_does_not_fit_the_matrix_is_refused():
    matrix = FakeKeypadMatrix(4, 3)
    with pytest.raises(ValueError):
        MatrixKeypad(matrix.rows, matrix.cols, KEYS_4X4)


def test_the_layouts_are_what_is_printed_on_the_keypads():
    assert KEYS_3X4 == "123456789*0#"
    assert KEYS_4X4 == "123A456B789C*0#D"
