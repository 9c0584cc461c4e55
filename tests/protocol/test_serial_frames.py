"""The serial link's framing: round trip, any chunking, garbage between frames, flipped bits."""

import binascii

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol import serial_frames as sf

frames = st.builds(
    sf.Frame,
    st.sampled_from(sf.KINDS),
    st.integers(0, 255),
    st.binary(max_size=300),
    st.integers(0, 255),
)


def wire(frame_list, max_payload=sf.MAX_PAYLOAD):
    return b"".join(
        sf.encode(f.kind, f.connection, f.payload, max_payload, f.seq) for f in frame_list
    )


def feed_in_chunks(decoder, data, cuts):
    out = []
    start = 0
    for cut in sorted(set(cuts)) + [len(data)]:
        out += decoder.feed(data[start:cut])
        start = cut
    return out


@given(st.lists(frames, max_size=8))
def test_round_trip(frame_list):
    decoder = sf.FrameDecoder()
    assert decoder.feed(wire(frame_list)) == frame_list
    assert decoder.refused == decoder.skipped == 0


@given(st.lists(frames, max_size=6), st.data())
def test_any_chunking_gives_the_same_frames(frame_list, data):
    line = wire(frame_list)
    cuts = data.draw(st.lists(st.integers(0, len(line)), max_size=20))
    assert feed_in_chunks(sf.FrameDecoder(), line, cuts) == frame_list


def test_a_frame_split_at_every_byte():
    line = wire([sf.Frame(sf.DATA, 7, bytes(range(40))), sf.Frame(sf.CLOSE, 7, b"")])
    for cut in range(len(line) + 1):
        decoder = sf.FrameDecoder()
        assert decoder.feed(line[:cut]) + decoder.feed(line[cut:]) == [
            sf.Frame(sf.DATA, 7, bytes(range(40))),
            sf.Frame(sf.CLOSE, 7, b""),
        ]
    byte_by_byte = sf.FrameDecoder()
    assert sum((byte_by_byte.feed(line[i : i + 1]) for i in range(len(line))), []) == [
        sf.Frame(sf.DATA, 7, bytes(range(40))),
        sf.Frame(sf.CLOSE, 7, b""),
    ]


@given(st.lists(st.tuples(st.binary(max_size=40), frames), max_size=6), st.binary(max_size=40))
@settings(max_examples=200)
def test_garbage_between_frames_is_skipped(pairs, tail):
    """Every frame is found whatever noise precedes it: noise that looks like the start of a
    frame may hide a frame only if it is itself a valid frame, which noise with a CRC-32 on
    it is not in practice (the decoder retries one byte on after a refusal)."""
    line = b"".join(garbage + wire([frame]) for garbage, frame in pairs) + tail
    found = sf.FrameDecoder().feed(line)
    expected = [frame for _, frame in pairs]
    # Everything expected is there, in order (noise alone never makes a frame).
    it = iter(found)
    assert all(any(f == e for f in it) for e in expected)
    assert len(found) == len(expected)


@given(frames, st.data())
def test_a_flipped_bit_refuses_the_frame_and_keeps_sync(frame, data):
    line = bytearray(wire([frame]))
    bit = data.draw(st.integers(0, len(line) * 8 - 1))
    line[bit // 8] ^= 1 << (bit % 8)
    after = sf.Frame(sf.DATA, 3, b"after the noise")
    decoder = sf.FrameDecoder()
    found = decoder.feed(bytes(line) + wire([after]))
    assert found == [after]
    assert decoder.refused + decoder.skipped > 0


def test_an_oversize_length_is_refused_without_waiting_for_it():
    decoder = sf.FrameDecoder(max_payload=64)
    head = bytes([sf.DATA, 1, 0, 0xFF, 0xFF])  # says 65535 bytes follow
    bogus = sf.SYNC + head + bytes([binascii.crc32(head) & 0xFF])
    good = sf.encode(sf.DATA, 1, b"x" * 10, 64)
    assert decoder.feed(bogus + good) == [sf.Frame(sf.DATA, 1, b"x" * 10)]
    assert decoder.refused == 1


def test_a_frame_hidden_in_a_bad_frame_is_found():
    """A SYNC in the noise claims a long frame; the real frame inside it still comes out."""
    good = sf.encode(sf.OPENED, 9)
    head = bytes([sf.DATA, 9, 0, 0, 30])
    noise = sf.SYNC + head + bytes([binascii.crc32(head) & 0xFF])
    decoder = sf.FrameDecoder()
    assert decoder.feed(noise + good + b"\x00" * 40) == [sf.Frame(sf.OPENED, 9, b"")]


def test_data_is_split_at_the_payload_bound():
    line, next_seq = sf.encode_data(5, b"a" * 2500, 254, max_payload=1000)
    found = sf.FrameDecoder(max_payload=1000).feed(line)
    assert [len(f.payload) for f in found] == [1000, 1000, 500]
    assert [f.seq for f in found] == [254, 255, 0] and next_seq == 1
    assert b"".join(f.payload for f in found) == b"a" * 2500


@pytest.mark.parametrize(
    "kind, connection, payload",
    [(99, 1, b""), (sf.DATA, 256, b""), (sf.DATA, -1, b""), (sf.DATA, 1, b"x" * 1025)],
)
def test_a_frame_that_cannot_be_written_is_refused(kind, connection, payload):
    with pytest.raises(sf.FrameError):
        sf.encode(kind, connection, payload)
