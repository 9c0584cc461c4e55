"""The fleet broker's folder, as `locker broker-config` writes it and `locker ca revoke` keeps it:

mosquitto.conf, acl      read by the broker (at start and on every reload)
tls/                     ca.crt, ca.crl, server.crt, server.key: the broker's own copies, so
                         the CA's folder (and its key) need not be on the broker's machine
data/                    what the broker writes: its sessions, its pid file
bridge-1/ ...            each bridge worker's identity, for the bridge hosts (not the broker)
broker.json              how it was made: port, address, server name, workers, user
"""

import json
import os
import shutil
import signal
from pathlib import Path

from fleet.fleet_broker import acl_text, bridge_word, broker_config
from fleet.service_user import check_user, default_user, hand_over

PUBLIC = 0o644


class BrokerFolder:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.conf, self.acl = self.folder / "mosquitto.conf", self.folder / "acl"
        self.tls, self.data = self.folder / "tls", self.folder / "data"
        self.settings_path = self.folder / "broker.json"
        self.pid_path = self.data / "mosquitto.pid"

    def write(
        self, ca, *, port, host="0.0.0.0", server_name="127.0.0.1", bridge_workers=4, user=None
    ):
        """Everything the broker and the bridge workers need, from the fleet CA `ca`; the
        mosquitto.conf path. `user` (default: mosquitto when root writes, else the writer) is
        who the broker runs as: it gets read access to the key and the data folder."""
        user = user or default_user()
        check_user(self.folder, user)
        settings = {
            "port": port,
            "host": host,
            "server_name": server_name,
            "bridge_workers": bridge_workers,
            "user": user,
        }
        for folder in (self.folder, self.tls, self.data):
            folder.mkdir(parents=True, exist_ok=True)
        ca.server_certificate(self.tls, server_name)
        for worker in range(1, bridge_workers + 1):
            ca.issue_service(bridge_word(worker), self.folder / bridge_word(worker))
        self.settings_path.write_text(json.dumps(settings, indent=1) + "\n")
        self.conf.write_text(broker_config(port, self.folder.resolve(), host, user))
        ca.write_crl()  # anew: one written before CRLs lived as long as the CA runs out
        self.refresh(ca)
        hand_over(self, user)
        return self.conf

    def settings(self):
        return json.loads(self.settings_path.read_text())

    def refresh(self, ca):
        """Take the CA's current certificate, CRL and revoked names (for the next reload)."""
        for name in ("ca.crt", "ca.crl"):
            shutil.copyfile(ca.folder / name, self.tls / name)
            (self.tls / name).chmod(PUBLIC)
        self.acl.write_text(acl_text(self.settings()["bridge_workers"], ca.denied_names()))
        self.acl.chmod(PUBLIC)

    def address(self):
        """(host, port, server name) to reach the broker from this machine."""
        settings = self.settings()
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(settings["host"], settings["host"])
        return host, settings["port"], settings["server_name"]

    def broker_pid(self):
        """The pid of the Mosquitto running with this folder's config; None if there is none."""
        try:
            pid = int(self.pid_path.read_text().split()[0])
            command = Path("/proc/%d/cmdline" % pid).read_bytes().split(b"\0")
            cwd = os.readlink("/proc/%d/cwd" % pid)
        except (OSError, ValueError, IndexError):
            return None  # no pid file, garbage, or no such process
        mine = self.conf.resolve()
        if b"mosquitto" not in os.path.basename(command[0]) or not any(
            (Path(cwd) / os.fsdecode(arg)).resolve() == mine for arg in command[1:] if arg
        ):
            return None  # a stale pid file: that number is another process now
        return pid

    def reload(self):
        """Ask the running broker to read its config, ACL and CRL again (it does on SIGHUP);
        False when no broker runs with this folder."""
        pid = self.broker_pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGHUP)
        return True
