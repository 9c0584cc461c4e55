"""`locker broker-config`: Mosquitto for the fleet. TLS only, a client certificate required,
the certificate's name as username and the username as client id, and ACLs so that a board
reads and writes only its own topics and only a service ("svc:" name) has a bridge's rights."""

from pathlib import PurePath

from fleet.identities import identity_name, service_name

BRIDGE_WORKERS = 4  # each worker has an identity of its own: "svc:bridge-1" ... "svc:bridge-N"

# %u is the username, which is the certificate's common name: for a board, its locker id. A
# service's name ("svc:...") is no locker id, so these rights give it nothing any board uses.
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


def bridge_word(worker):
    """Bridge worker `worker` (1, 2, ...) as a service word: its folder's name."""
    return "bridge-%d" % worker


def bridge_identity(worker):
    """The certificate name of bridge worker `worker`; also its username and client id."""
    return service_name(bridge_word(worker))


def acl_text(bridge_workers=BRIDGE_WORKERS, denied=()):
    """The ACL: the boards' patterns, each bridge worker's rights, and every name in `denied`
    (revoked: `locker ca revoke`) shut out of everything. A user's own lines are checked before
    the patterns and a deny before any grant, so a denied board gets nothing from its pattern."""
    lines = ["# written by openlocker: boards see only their own topics"] + BOARD_ACL
    for worker in range(1, bridge_workers + 1):
        name = bridge_identity(worker)
        if name not in denied:  # the patterns would give it lockers/svc:.../: a board's rights
            lines += ["", "user " + name, "topic deny lockers/%s/#" % name] + BRIDGE_RULES
    for name in denied:
        lines += ["", "# revoked", "user " + identity_name(name), "topic deny #"]
    return "\n".join(lines) + "\n"


def broker_config(port, folder, host="0.0.0.0", user="mosquitto"):
    """mosquitto.conf for a TLS-only listener; `folder` is the broker's (fleet/broker_folder.py):
    tls/ holds ca.crt, ca.crl, server.crt and server.key, data/ what the broker writes.

    `user`: started as root (a system service), Mosquitto drops to this user before it reads
    its certificates, its key and its CRL, and again on every reload."""
    tls, data = PurePath(folder) / "tls", PurePath(folder) / "data"
    return "\n".join(
        [
            "# written by openlocker: the fleet's broker",
            "user %s" % user,
            "pid_file %s" % (data / "mosquitto.pid"),  # `locker ca revoke` reloads the broker by it
            "per_listener_settings false",
            "allow_anonymous false",
            "acl_file %s" % (PurePath(folder) / "acl"),
            "persistence true",
            "persistence_location %s/" % data,
            "max_queued_messages 10000",
            "listener %d %s" % (port, host),
            "cafile %s" % (tls / "ca.crt"),
            "certfile %s" % (tls / "server.crt"),
            "keyfile %s" % (tls / "server.key"),
            "crlfile %s" % (tls / "ca.crl"),  # read again on every reload (SIGHUP)
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
        ]
    )
