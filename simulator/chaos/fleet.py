"""Simulated boards that can lose power: each keeps its flash in a state file of its own, and
a power cycle stops it abruptly (no DISCONNECT: the broker fires its will) and boots a new
VirtualLocker from the same file."""

import os
import threading
import time

from simulator.virtual_locker import VirtualLocker


class FleetBoard:
    def __init__(self, locker_id, key, compartments, broker_url, state_dir, proxy=None):
        self.locker_id, self.key, self.compartments = locker_id, key, compartments
        self.broker_url, self.proxy = broker_url, proxy
        self.state_file = os.path.join(str(state_dir), locker_id + ".json")
        self.board = None
        self.boots = 0
        self.power_cycle_requested = threading.Event()
        self.power_cycles = []  # (when it went down, when it was back up) monotonic

    def boot(self):
        self.board = VirtualLocker(
            self.locker_id, self.key, self.compartments, self.broker_url, state_file=self.state_file
        ).start()
        self.boots += 1
        return self.board

    def power_off(self):
        """The power dies: the board's tasks end where they are, its socket is dropped without
        a DISCONNECT (so the broker publishes the board's will)."""
        self.board.power_off()
        if self.proxy is not None:
            self.proxy.sever(self.locker_id)

    def power_cycle(self, down_s, during=None):
        started = time.monotonic()
        self.power_off()
        time.sleep(down_s / 2)
        if during is not None:
            during()  # what happens to the hardware while the board is dark
        time.sleep(down_s / 2)
        self.boot()
        self.power_cycles.append((started, time.monotonic()))

    def stop(self):
        if self.board is not None:
            self.board.stop()

    # what the harness reads
    @property
    def controller(self):
        return self.board.controller

    def online(self):
        return self.board.online and self.board.controller.is_online()

    def pending_seqs(self):
        board = self.board
        with board._lock:
            return [body["seq"] for body in board.controller.pending_events()]

    def next_seq(self):
        board = self.board
        with board._lock:
            return board.controller.next_seq()
