# Runs on MicroPython and CPython alike (tests/protocol/test_serial_frames_micropython.py): the
# same frames through the same noise, chunked the same way; prints what came out.
from binascii import hexlify

from protocol import serial_frames as sf

frames = [
    sf.encode(sf.OPEN, 1),
    sf.encode_data(1, bytes(range(256)) * 5, 0)[0],  # two frames
    sf.encode(sf.REFUSED, 2, b"no broker"),
    sf.encode(sf.CLOSE, 255),
]
bad = bytearray(sf.encode(sf.DATA, 3, b"flipped"))
bad[9] ^= 0x10  # a bit of the payload: the CRC refuses it
line = (
    b"\x00\xa5noise\xa5\x5a"
    + frames[0]
    + bytes(bad)
    + frames[1]
    + b"\xff" * 9
    + b"".join(frames[2:])
)
decoder = sf.FrameDecoder()
found = []
for size in (1, 2, 3, 5, 7, 11, 64, 1000):
    decoder = sf.FrameDecoder()
    found = []
    at = 0
    while at < len(line):
        found += decoder.feed(line[at : at + size])
        at += size
    print(size, len(found), decoder.refused, decoder.skipped)
for frame in found:
    print(frame.kind, frame.connection, frame.seq, hexlify(frame.payload[:16]), len(frame.payload))
