# Figures for the firmware on the MicroPython interpreter: the live heap with a full credential
# store and after many transactions, and keypad-to-pulse latency through the real drivers.
import asyncio

import host
import jsffi

# the built bundle's firmware.core is one module (fleet/board_merge.py): import from it
# events as tuples: the board build cuts events.py's makers
from firmware.core import DOOR_CLOSED, DOOR_OPENED, KEY_PRESSED, MESSAGE_RECEIVED
from protocol import wire
from protocol.verifiers import courier_verifier, pin_verifier

COURIER = "4711471147"  # wire.COURIER_CODE_MIN digits, as the cloud draws them
DAY_MS = 86400000
WORK_COMPARTMENTS = (1, 2, 3, 4)  # transactions here; the stored credentials sit in the rest
# py/map.c's hash_allocation_sizes: how a dict's table grows (only when full)
MAP_SIZES = (0, 2, 4, 6, 8, 10, 12, 17, 23, 29, 37, 47, 59, 73, 97, 127, 167, 223, 293, 389)
MAP_SIZES += (521, 691, 919, 1223, 1627, 2161, 3229, 4831, 7243, 10861, 16273, 24407)


async def live_heap():
    return int(await host.heap())  # measured by Node between two steps of the event loop


def proxy_table():
    """[slots, in use, bytes] of this port's table of Python objects lent to JavaScript
    (proxy_c_ref, a list, and proxy_c_dict), which a board does not have. The bytes are
    computed from its length, as MicroPython grows them: the list's items double from 4, the
    dict's table (8 bytes a slot) steps through MAP_SIZES when full; the table never shrinks,
    so its length is its high-water mark."""
    info = jsffi.mem_info()
    slots, used = info[3], info[4]
    items = 4
    while items < slots:
        items *= 2
    entries = [n for n in MAP_SIZES if n >= slots][0]
    return [slots, used, 4 * items + 8 * entries]


class Cloud:
    """Signs commands the way the cloud's relay does, with a rising counter."""

    def __init__(self, board):
        self.board, self.counter = board, board.controller.last_counter

    def send(self, kind, fields):
        self.counter += 1
        body = {
            "lkr": self.board.locker_id,
            "ctr": self.counter,
            "exp": self.board.clock.wall_ms() + 60000,
            "type": kind,
        }
        body.update(fields)
        payload = wire.sign(self.board.key, body)
        self.board.handle((MESSAGE_RECEIVED, wire.topic(self.board.locker_id, "commands"), payload))

    def ack_all(self):
        seqs = [event["seq"] for event in self.board.controller.pending_events()]
        if seqs:
            self.send("ack", {"seqs": seqs})


def type_keys(board, keys):
    for key in keys:
        board.handle((KEY_PRESSED, key))


def door(board, number):
    board.handle((DOOR_OPENED, number))
    board.handle((DOOR_CLOSED, number))


def store_credentials(board, cloud, count):
    until = board.clock.wall_ms() + DAY_MS
    numbers = [n for n in board.controller._compartments.numbers() if n not in WORK_COMPARTMENTS]
    for i in range(count):
        cloud.send(
            "credential",
            {
                "parcel": "C%d" % i,
                "cmp": numbers[i % len(numbers)],
                "v": pin_verifier(board.key, "9%05d" % i),
                "until": until,
            },
        )


async def transactions(board, cloud, count, release_every=10):
    """count/2 deposits and count/2 pickups, each acknowledged like the cloud would; the most
    messages the MQTT client held at once meanwhile (its outbox is bounded). Every
    `release_every` transactions the JS proxies of the socket reads since are finalized (see
    proxy_table())."""
    peak = 0
    for i in range(count // 2):
        cmp, parcel, pin = WORK_COMPARTMENTS[i % 4], "8%d" % i, "7%05d" % (i % 100000)
        cloud.send("reserve", {"parcel": parcel, "cmp": cmp})
        type_keys(board, COURIER + "#" + parcel + "#")
        door(board, cmp)
        type_keys(board, "*")  # ends the courier session
        cloud.ack_all()
        cloud.send(
            "credential",
            {
                "parcel": parcel,
                "cmp": cmp,
                "v": pin_verifier(board.key, pin),
                "until": board.clock.wall_ms() + DAY_MS,
            },
        )
        type_keys(board, pin + "#")
        door(board, cmp)
        cloud.ack_all()
        peak = max(peak, queued(board))
        await asyncio.sleep(0)  # let the MQTT client drain what was published
        if (i + 1) % max(1, release_every // 2) == 0:
            await host.releaseProxies()
    return peak


async def keypad_to_pulse(board, bank, cloud, samples, hold_s):
    """ms from the '#' key going down on the matrix to the solenoid energised."""
    latencies = []
    for i in range(samples):
        cmp, pin = WORK_COMPARTMENTS[i % 4], "6%05d" % i
        cloud.send(
            "credential",
            {
                "parcel": "L%d" % i,
                "cmp": cmp,
                "v": pin_verifier(board.key, pin),
                "until": board.clock.wall_ms() + DAY_MS,
            },
        )
        type_keys(board, pin)
        pulses, started = bank.pulse_count, board.clock.ticks_ms()
        bank.keypad.pressed = "#"
        while bank.pulse_count == pulses and board.clock.ticks_ms() - started < 1000:
            await asyncio.sleep(0.001)
        bank.keypad.pressed = None
        latencies.append(bank.pulses[-1][1] - started if bank.pulse_count > pulses else 1000)
        await asyncio.sleep(hold_s)
        door(board, cmp)
        cloud.ack_all()
    return latencies


async def run(board, bank, spec):
    """The figures of the phases spec["phases"] asks for: "memory" (live heap with the stored
    credentials and along the transactions) and "latency" (keypad-to-pulse), apart so that a
    benchmark running several boards can time each one's latency alone."""
    cloud = Cloud(board)
    figures = {}
    if "memory" in spec.get("phases", ("memory", "latency")):
        figures.update(await memory(board, cloud, spec))
    if "latency" in spec.get("phases", ("memory", "latency")):
        figures.update(await latency(board, bank, cloud, spec))
    figures["flash_writes"] = board.store.writes
    figures["record_writes"] = board.store.record_writes
    figures["pending_events"] = len(board.controller.pending_events())
    return figures


async def memory(board, cloud, spec):
    cloud.send("couriers", {"v": [courier_verifier(board.key, COURIER)]})
    figures = {"heap_code": int(host.codeHeap()), "heap_boot": await settled_heap(board)}
    store_credentials(board, cloud, spec["credentials"])
    figures["heap_with_credentials"] = await settled_heap(board)
    figures["proxies_with_credentials"] = proxy_table()
    # every `every` transactions, with what the controller holds: a leak shows in both
    figures["growth"] = []
    done, every, outbox_peak = 0, spec.get("every", 1000), 0
    while done < spec["transactions"]:
        step = min(every, spec["transactions"] - done)
        peak = await transactions(board, cloud, step, spec.get("release_every", 10))
        outbox_peak = max(outbox_peak, peak)
        done += step
        heap = await settled_heap(board)
        figures["growth"].append([done, heap, held(board.controller), proxy_table()])
    figures["heap_after_transactions"] = (
        figures["growth"][-1][1] if figures["growth"] else figures["heap_with_credentials"]
    )
    figures["outbox_peak"] = outbox_peak
    return figures


def held(c):
    """Controller.footprint() worked out here from the controller's parts: the board's build
    strips that accessor and the counts only it asks for (fleet/board_strip.py), as no board
    code needs them."""
    pickups, returns = c.records()
    return {
        "journal": len(c._uplink.journal),
        "publish_times": len(c._uplink._sent_ms),
        "reservations": len(c._credentials._reservations),
        "pickup_bytes": len(pickups),
        "return_bytes": len(returns),
        "settled": len(c._settled),
        "refusals": len(c._commands._refusals._reported),
        "openings": c._doors.in_flight(),
        "courier_asked": len(c._keypad.session._asked),
    }


def queued(board):
    """The messages the MQTT client holds: MqttClient.outbox_size(), which the board's build
    strips as no board code asks for it (fleet/board_strip.py)."""
    return len(board.mqtt._outbox)


async def settled_heap(board):
    """The live heap once the MQTT client has sent what the last commands made the board
    publish and the batched flash writes are done: the steady state, not a burst's tail."""
    for _ in range(300):
        # FlashStore.owes(), stripped likewise: a batched change waits for its write
        if not queued(board) and board.store._dirty_since is None:
            break
        await asyncio.sleep(0.01)
    # the least of a few weighings: a garbage object this port's conservative collector still
    # sees pinned (by the suspended stack, by a JavaScript proxy not yet finalized) only adds
    weighed = []
    for _ in range(3):
        weighed.append(await live_heap())
        await asyncio.sleep(0.2)
    return min(weighed)


async def latency(board, bank, cloud, spec):
    host.releaseEvery(0)  # no V8 collections on a timer while the keypad is timed
    # each lock rests cooldown_ms between pulses: space the samples so none waits for it
    spacing_s = 0.6
    # the locks' cool-down after the last transactions: a pulse asked for during it is held
    # and fired when it ends, which starts another cool-down
    await asyncio.sleep(4.5)
    return {
        "latency_ms": await keypad_to_pulse(board, bank, cloud, spec["latency_samples"], spacing_s)
    }
