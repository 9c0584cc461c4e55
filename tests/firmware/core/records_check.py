# Run on MicroPython and on CPython by test_records_micropython.py: both must print the same.
from firmware.core.actions import Beep, Pulse
from firmware.core.events import Connected, KeyPressed
from firmware.core.pickups import Pickups
from firmware.drivers.ticks import ticks_diff
from firmware.net.mqtt_packets import PUBLISH, Packet

# != comes from __eq__ alone (Record and Packet define no __ne__)
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
