"""`locker`: run the demo, or each part of the platform as its own process."""

import argparse
import logging
import os
import socket
import sys

from firmware.core.phrases import LANGUAGES

DEFAULT_MQTT = "mqtt://127.0.0.1:1883"


def _env(name, default):
    return os.environ.get(name, default)


def _database_option(parser):
    parser.add_argument(
        "--database-url",
        default=_env("LOCKER_DATABASE_URL", "sqlite:///./locker.db"),
        help="SQLAlchemy URL, e.g. postgresql://user@127.0.0.1:5432/locker "
        "(env LOCKER_DATABASE_URL)",
    )


def _mqtt_option(parser):
    parser.add_argument(
        "--mqtt-url",
        default=_env("LOCKER_MQTT_URL", DEFAULT_MQTT),
        help="broker, e.g. mqtt://127.0.0.1:1883 (env LOCKER_MQTT_URL)",
    )


def _token_option(parser):
    parser.add_argument(
        "--token",
        default=_env("LOCKER_API_TOKEN", None),
        help="an operator's bearer token from /api/v1/auth/login (env LOCKER_API_TOKEN)",
    )


def _parser():
    parser = argparse.ArgumentParser(prog="locker", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser(
        "demo", help="broker, cloud, bridge and a city's morning of routed parcels in one process"
    )
    demo.add_argument("--once", action="store_true", help="run the morning and exit (0 = all good)")
    demo.add_argument("--api-port", type=int, default=8000)
    demo.add_argument(
        "--mqtt-port", type=int, default=1883, help="falls back to a free port if taken"
    )

    cloud = sub.add_parser("cloud", help="the REST API and the notification dispatcher")
    cloud.add_argument("--host", default="127.0.0.1")
    cloud.add_argument("--port", type=int, default=8000)
    _database_option(cloud)

    bridge = sub.add_parser("bridge", help="MQTT <-> domain services worker")
    _mqtt_option(bridge)
    _database_option(bridge)
    bridge.add_argument(
        "--client-id",
        default=_env("LOCKER_BRIDGE_ID", "bridge-" + socket.gethostname()),
        help="unique per worker (give each worker on one host its own); "
        "its broker session survives restarts",
    )
    bridge.add_argument(
        "--share-group",
        default=_env("LOCKER_SHARE_GROUP", None),
        help="MQTT shared-subscription group, to split events across workers",
    )
    bridge.add_argument(
        "--identity",
        default=_env("LOCKER_BRIDGE_IDENTITY", None),
        help="folder with this worker's ca.crt, client.crt and client.key "
        "(`locker broker-config` makes bridge-1 ... bridge-N); needed with mqtts://",
    )

    sim = sub.add_parser("sim", help="a simulated locker bank you type into")
    _mqtt_option(sim)
    sim.add_argument("--locker-id", required=True)
    sim.add_argument("--key", help="the board key (hex) from provisioning")
    sim.add_argument("--api", help="provision the locker through this cloud API instead of --key")
    _token_option(sim)
    sim.add_argument("--layout", default="S4,M4,L4", help="compartments by size, e.g. S4,M4,L4")
    sim.add_argument(
        "--state-dir",
        default=_env("LOCKER_SIM_STATE", ".locker-sim"),
        help="where the board keeps its flash (journal, counters, credentials)",
    )

    firmware = sub.add_parser("firmware", help="build the firmware an installer copies to a board")
    build = firmware.add_subparsers(dest="firmware_command", required=True).add_parser(
        "build", help="compile the .mpy bundle and write the board's config.json"
    )
    build.add_argument("--board", required=True, choices=["esp32", "picow"])
    build.add_argument("--out", help="output folder (default build/firmware-BOARD)")
    build.add_argument(
        "--identity",
        help="the folder `locker provision` wrote: id, key, certificate; "
        "the board then speaks TLS (mqtts://, port 8883 by default)",
    )
    build.add_argument("--locker-id", help="without --identity: plain TCP, for demo brokers only")
    build.add_argument("--key", help="without --identity: the board key (hex) from provisioning")
    build.add_argument(
        "--layout",
        default="S8,M8,L8",
        help="compartments by size; at most 24; a part ending in 'a' (S2a) is accessible (low)",
    )
    build.add_argument(
        "--broker",
        help="the broker the board connects to (default %s, or "
        "mqtts://127.0.0.1:8883 with --identity)" % DEFAULT_MQTT,
    )
    build.add_argument(
        "--server-name", help="the name in the broker's certificate, if not the --broker host"
    )
    build.add_argument("--wifi-ssid", default="")
    build.add_argument("--wifi-password", default="")
    build.add_argument("--keypad", default="3x4", choices=["3x4", "4x4"])
    build.add_argument("--display", action="store_true", help="an SSD1306 OLED is fitted")
    build.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="the locker's language: what a recipient reads until a code matches (default en)",
    )
    build.add_argument(
        "--serial-link",
        choices=["usb", "uart"],
        help="a wired bank: MQTT through `locker gateway` on the board's USB console or its "
        "link UART, instead of WiFi",
    )
    build.add_argument("--serial-baud", type=int, default=115200)

    chaos = sub.add_parser("chaos", help="a fleet of simulated lockers under faults; JSON summary")
    chaos.add_argument("--lockers", type=int, default=100)
    chaos.add_argument("--minutes", type=float, default=5.0, help="how long parcels keep coming")
    chaos.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL of an empty (or shared) database; default SQLite in a temp dir",
    )
    chaos.add_argument("--seed", type=int, default=None, help="the fault schedule's seed")
    chaos.add_argument("--workdir", default=None, help="keep broker, logs and board flash here")

    ca = sub.add_parser("ca", help="the fleet's device certificate authority")
    ca_commands = ca.add_subparsers(dest="ca_command", required=True)
    init = ca_commands.add_parser("init", help="a new CA: its key, certificate and empty CRL")
    revoke = ca_commands.add_parser(
        "revoke",
        help="every certificate of a board (or a service), "
        "on the CRL and on the running broker at once",
    )
    revoke.add_argument("name", help="the locker id (or a service's name, svc:bridge-N)")
    revoke.add_argument(
        "--broker-dir",
        default="broker",
        help="the folder `locker broker-config` wrote: its CRL and ACL are updated "
        "and the broker running with it reloads them and drops the board",
    )
    for command in (init, revoke):
        command.add_argument(
            "--dir", default="pki", help="where the CA's key, certificate and CRL live"
        )

    provision = sub.add_parser(
        "provision", help="a new board's identity: cloud key and certificate"
    )
    provision.add_argument("locker_id")
    provision.add_argument("--api", required=True, help="the cloud API, e.g. http://127.0.0.1:8000")
    _token_option(provision)
    provision.add_argument("--layout", default="S8,M8,L8")
    provision.add_argument("--ca-dir", default="pki")
    provision.add_argument("--out", help="default: provisioned/LOCKER_ID")

    _install_parsers(sub)

    broker_config = sub.add_parser(
        "broker-config", help="Mosquitto for the fleet: TLS, certificates, ACL"
    )
    broker_config.add_argument("--ca-dir", default="pki")
    broker_config.add_argument("--out", default="broker")
    broker_config.add_argument("--port", type=int, default=8883)
    broker_config.add_argument("--host", default="0.0.0.0", help="the address to listen on")
    broker_config.add_argument(
        "--server-name",
        default="127.0.0.1",
        help="the name or address boards connect to (in the server certificate)",
    )
    broker_config.add_argument("--bridge-workers", type=int, default=4)
    broker_config.add_argument(
        "--user",
        help="the user the broker runs as (default: mosquitto when "
        "run as root, else you); it is given the key it reads",
    )

    gateway = sub.add_parser(
        "gateway", help="relay a wired board's MQTT over its serial line to the broker"
    )
    gateway.add_argument("--port", required=True, help="the board's serial port, e.g. /dev/ttyACM0")
    gateway.add_argument("--baud", type=int, default=115200)
    _mqtt_option(gateway)
    gateway.add_argument(
        "--identity",
        help="the board's provision folder (provisioned/LOCKER_ID): its certificate for mqtts://",
    )
    gateway.add_argument(
        "--server-name", help="the name in the broker's certificate, if not the host"
    )

    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    _database_option(migrate)

    admin = sub.add_parser("admin", help="operators: the only way to make the first admin")
    create = admin.add_subparsers(dest="admin_command", required=True).add_parser(
        "create", help="create an operator (password from --password-stdin or a prompt)"
    )
    create.add_argument("username")
    create.add_argument("--role", default="admin", choices=["viewer", "operator", "admin"])
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    _database_option(create)

    purge = sub.add_parser(
        "purge",
        help="clear recipients' contact data of parcels whose life "
        "ended over LOCKER_CONTACT_RETENTION_DAYS ago (the cloud "
        "process also does it hourly)",
    )
    _database_option(purge)

    postcodes = sub.add_parser(
        "postcodes", help="the postcode table that pre-advice by address looks up"
    )
    load = postcodes.add_subparsers(dest="postcodes_command", required=True).add_parser(
        "import", help="add or replace centroids from a CSV: country,postcode,latitude,longitude"
    )
    load.add_argument("csv_file", help="UTF-8 CSV with that header; '-' reads stdin")
    _database_option(load)

    audit = sub.add_parser("audit", help="the hash-chained audit trail")
    verify = audit.add_subparsers(dest="audit_command", required=True).add_parser(
        "verify", help="walk the chain; exit 1 at the first broken link"
    )
    _database_option(verify)

    routes = sub.add_parser("routes", help="route planning on benchmark instances")
    solve = routes.add_subparsers(dest="routes_command", required=True).add_parser(
        "solve",
        help="solve a CVRP / Solomon VRPTW / VRPSPD file; print one JSON object "
        "(exit 2 on a malformed file)",
    )
    solve.add_argument("file")
    solve.add_argument("--seconds", type=float, default=10.0, help="solver time limit")
    solve.add_argument("--seed", type=int, default=0)
    return parser


def _install_parsers(sub):
    boards = sub.add_parser("boards", help="the serial ports that look like MicroPython boards")
    boards.add_argument(
        "--no-probe",
        action="store_true",
        help="do not ask each what it runs (asking stops its program a moment: a soft reboot "
        "starts it again)",
    )
    install = sub.add_parser(
        "install",
        help="put a board on the wall: probe, provision, write the bundle, config last, "
        "reset, wait until the cloud sees it online (hardware/INSTALL.md)",
    )
    install.add_argument("locker_id")
    install.add_argument("--port", required=True, help="the board's serial port, e.g. /dev/ttyUSB0")
    install.add_argument("--board", required=True, choices=["esp32", "picow"])
    install.add_argument("--api", required=True, help="the cloud API, e.g. https://cloud.example")
    _token_option(install)
    install.add_argument(
        "--layout",
        default="S8,M8,L8",
        help="compartments by size; at most 24; a part ending in 'a' (S2a) is accessible (low)",
    )
    install.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="the locker's language: what a recipient reads until a code matches; default: "
        "what the board already has, else en",
    )
    install.add_argument(
        "--broker",
        help="what the board connects to: mqtts://host:8883 (its certificate) or mqtt://host:1883 "
        "(plain, demo brokers); default: the broker the board already has",
    )
    install.add_argument("--ca-dir", default="pki", help="the fleet CA (for mqtts://)")
    install.add_argument("--wifi-ssid", help="default: what the board already has")
    install.add_argument("--wifi-password")
    install.add_argument(
        "--reprovision", action="store_true", help="a new board key (and certificate)"
    )
    install.add_argument(
        "--micropython-image",
        help="the MicroPython .bin (esp32) or .uf2 (picow) to flash if the board runs none",
    )
    install.add_argument("--bootsel-drive", help="the Pico's BOOTSEL drive, if not found alone")
    install.add_argument("--identity-dir", help="default: provisioned/LOCKER_ID")
    install.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    install.add_argument("--online-timeout", type=float, default=90.0, help="seconds")


def main(argv=None):
    args = _parser().parse_args(argv)
    quiet = args.command == "demo" and not args.verbose  # the demo's own lines tell the story
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from locker import commands

    return getattr(commands, args.command.replace("-", "_"))(args) or 0


if __name__ == "__main__":
    sys.exit(main())
