"""`locker broker-config`: Mosquitto for the fleet. TLS only, a client certificate required,
the certificate's name as username and the username as client id, and ACLs so that a board
reads and writes only its own topics."""
from pathlib import Path

BRIDGE_WORKERS = 4  # each worker has an identity of its own: "bridge-1" ... "bridge-N"

# %u is the username, which is the certificate's common name, which is the locker id.
BOARD_ACL = [
    "pattern write lockers/%u/events",
    "pattern write lockers/%u/status",
    "pattern write lockers/%u/telemetry",
    "pattern write lockers/%u/inventory",
    "pattern read lockers/%u/commands",
]
BRIDGE_RULES = [
    "topic read lockers/+/events",
    "topic read lockers/+/status",
    "topic read lockers/+/telemetry",
    "topic read lockers/+/inventory",
    "topic write lockers/+/commands",
]


def bridge_identity(worker):
    """The certificate name of bridge worker `worker` (1, 2, ...); also its client id."""
    return "bridge-%d" % worker


def acl_text(bridge_workers=BRIDGE_WORKERS):
    # Patterns apply to every client; each bridge worker's rules follow its `user` line.
    lines = ["# written by openlocker: boards see only their own topics"] + BOARD_ACL
    for worker in range(1, bridge_workers + 1):
        lines += ["", "user " + bridge_identity(worker)] + BRIDGE_RULES
    return "\n".join(lines) + "\n"


def broker_config(port, pki_folder, data_folder, host="0.0.0.0", user=None):
    """mosquitto.conf for a TLS-only listener; pki_folder holds ca.crt, ca.crl, server.crt/key."""
    pki, data = Path(pki_folder), Path(data_folder)
    return "\n".join([
        "# written by openlocker: the fleet's broker",
        "user %s" % user if user else "# user: Mosquitto's default",
        "per_listener_settings false",
        "allow_anonymous false",
        "acl_file %s" % (data / "acl"),
        "persistence true",
        "persistence_location %s/" % data,
        "max_queued_messages 10000",
        "listener %d %s" % (port, host),
        "cafile %s" % (pki / "ca.crt"),
        "certfile %s" % (pki / "server.crt"),
        "keyfile %s" % (pki / "server.key"),
        "crlfile %s" % (pki / "ca.crl"),
        "require_certificate true",
        "use_identity_as_username true",
        # a second connection claiming a board's client id gets its certificate's name instead,
        # so it can never push the real board off (and so every bridge worker needs a name)
        "use_username_as_clientid true",
        "tls_version tlsv1.2",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        "",
    ])


def write_broker_config(out_folder, port, pki_folder, host="0.0.0.0", user=None,
                        bridge_workers=BRIDGE_WORKERS):
    out = Path(out_folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / "acl").write_text(acl_text(bridge_workers))
    (out / "mosquitto.conf").write_text(broker_config(port, pki_folder, out, host, user))
    return out / "mosquitto.conf"
