# Run on MicroPython and on CPython by test_records_micropython.py: both must print the same.
from firmware.core.actions import Beep, Pulse
from firmware.core.events import Connected, KeyPressed
from firmware.core.pickups import Pickups
from firmware.core.settled import COLLECTED, DEPOSITED, Settled
from firmware.drivers.ticks import ticks_diff
from firmware.net.mqtt_packets import PUBLISH, Packet

# events and actions are tuples; != on Packet comes from __eq__ alone (it defines no __ne__)
print(Pulse(3, 300) == Pulse(3, 300), Pulse(3, 300) != Pulse(3, 300))
print(Pulse(3, 300) != Pulse(4, 300), [Beep("ok")] != [Beep("ok")], Connected() != Connected())
print(KeyPressed("1") != KeyPressed("2"), Pulse(3, 300) != KeyPressed("3"))
same = Packet(PUBLISH, topic="t", payload=b"x")
print(same != Packet(PUBLISH, topic="t", payload=b"x"), same != Packet(PUBLISH, topic="u"))

# the const() names, inlined by MicroPython's compiler, plain ints on CPython
pickups = Pickups()
pickups.add("00" * 16, "P1", 7, 2000000)
print(pickups.find("00" * 16, 1000), len(pickups.records()), pickups.dump())
print(ticks_diff(5, (1 << 30) - 5), ticks_diff(100, 40))

# the settled parcels, packed: 32-bit tags and seqs, the oldest dropped, the same either side
settled = Settled()
for n in range(Settled.remembered + 2):
    settled.note("P%d" % n, COLLECTED if n % 2 else DEPOSITED, 2**31 + n)
settled.note("P5", COLLECTED, 2**31 + 99)  # replaces its earlier row, now the newest
print(len(settled), settled.dump()[0], settled.dump()[-1])
print(settled.is_stale("credential", "P5", 2**31), settled.is_stale("reserve", "P4", 0))
print(settled.is_stale("credential", "P0", 0), settled.is_stale("credential", "P5", 2**32))
