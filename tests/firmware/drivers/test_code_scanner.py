"""The scanner: whole printable lines become codes; garbage and over-long lines vanish whole."""

import re

from hypothesis import given
from hypothesis import strategies as st

from firmware.drivers.code_scanner import CodeScanner
from tests.firmware.drivers.fakes import FakeUart


def scanner(max_length=64):
    uart = FakeUart()
    return CodeScanner(uart, max_length), uart


def test_each_terminator_ends_a_code_and_empty_lines_are_ignored():
    scan, uart = scanner()
    uart.feed(b"PARCEL-1\rPARCEL-2\nPARCEL-3\r\n\r\n\nPARCEL-4\n")
    assert scan.poll() == ["PARCEL-1", "PARCEL-2", "PARCEL-3", "PARCEL-4"]


def test_nothing_waiting_is_no_code():
    scan, uart = scanner()
    assert scan.poll() == []
    assert uart.reads == []


def test_a_code_split_across_polls_is_joined():
    scan, uart = scanner()
    uart.feed(b"AB12")
    assert scan.poll() == []
    uart.feed(b"34\r")
    assert scan.poll() == ["AB1234"]


def test_a_non_printable_byte_discards_its_line_only():
    scan, uart = scanner()
    uart.feed(b"GOOD-1\nBA\x00D\nALSO\xffBAD\nTAB\tBAD\nGOOD-2\n")
    assert scan.poll() == ["GOOD-1", "GOOD-2"]


def test_a_line_of_exactly_max_length_is_a_code():
    scan, uart = scanner(max_length=8)
    uart.feed(b"12345678\n")
    assert scan.poll() == ["12345678"]


def test_a_line_longer_than_max_length_is_discarded_whole_with_its_tail():
    scan, uart = scanner(max_length=8)
    uart.feed(b"123456789")
    assert scan.poll() == []
    uart.feed(b"TAIL-OF-THE-SAME-LINE\rNEXT\r")
    assert scan.poll() == ["NEXT"]


def test_the_buffer_is_allocated_once_at_max_length():
    scan, uart = scanner(max_length=16)
    uart.feed(b"X" * 10000 + b"\n" + b"Y" * 16 + b"\n")
    while uart.any():
        scan.poll()
    assert len(scan._buf) == 16


def test_one_poll_reads_a_bounded_amount_so_the_loop_is_not_starved():
    scan, uart = scanner()
    uart.feed((b"C" * 20 + b"\n") * 100)
    scan.poll()
    assert uart.any() == 2100 - CodeScanner.max_bytes_per_poll
    assert all(n <= 64 for n in uart.reads)


def reference_codes(stream, max_length):
    """What a scanner should yield for a whole stream: its lines, kept when sound."""
    lines = re.split(rb"[\r\n]", stream)[:-1]  # the last piece has no terminator yet
    return [
        line.decode()
        for line in lines
        if 0 < len(line) <= max_length and all(32 <= b <= 126 for b in line)
    ]


@given(st.lists(st.binary(max_size=40), max_size=30), st.integers(1, 20))
def test_arbitrary_byte_streams_never_raise_and_yield_only_sound_codes(chunks, max_length):
    scan, uart = scanner(max_length)
    codes = []
    for chunk in chunks:
        uart.feed(chunk)
        while uart.any():
            codes += scan.poll()
        assert len(scan._buf) == max_length
    for code in codes:
        assert 0 < len(code) <= max_length
        assert all(" " <= ch <= "~" for ch in code)
    assert codes == reference_codes(b"".join(chunks), max_length)


printable_or_terminator = st.sampled_from(list(b"ABC-019 \r\n\x00\x7f"))


@given(st.lists(printable_or_terminator, max_size=200), st.integers(1, 8))
def test_streams_rich_in_line_structure_match_the_reference(stream, max_length):
    scan, uart = scanner(max_length)
    uart.feed(bytes(stream))
    codes = []
    while uart.any():
        codes += scan.poll()
    assert codes == reference_codes(bytes(stream), max_length)
