"""What each `locker` subcommand runs."""

import os
import signal
import threading
from pathlib import Path

import httpx

from cloud.core.clock import utcnow


def demo(args):
    from locker.demo import run_demo

    return run_demo(once=args.once, api_port=args.api_port, mqtt_port=args.mqtt_port)


def cloud(args):
    from cloud.core.config import Settings
    from cloud.runtime.process import CloudProcess

    CloudProcess(Settings(database_url=args.database_url)).serve(host=args.host, port=args.port)


def bridge(args):
    from bridge.identity import BridgeIdentity
    from cloud.core.config import Settings
    from cloud.db import migrated_engine
    from locker.stack import bridge_worker

    identity = BridgeIdentity(args.identity) if args.identity else None
    settings = Settings(database_url=args.database_url)
    engine = migrated_engine(settings.database_url)
    worker = bridge_worker(
        args.mqtt_url,
        engine,
        settings,
        client_id=args.client_id,
        share_group=args.share_group,
        identity=identity,
    ).start()
    _wait_for_signal()
    worker.stop()


def sim(args):
    from protocol.layout import parse_layout
    from simulator.console import run_console
    from simulator.virtual_locker import VirtualLocker

    compartments = parse_layout(args.layout)
    key = args.key or _provision(args.api, args.locker_id, compartments, args.token)
    locker = VirtualLocker(
        args.locker_id,
        bytes.fromhex(key),
        compartments,
        args.mqtt_url,
        echo=lambda text: print("display:", text),
        state_file=os.path.join(args.state_dir, args.locker_id + ".json"),
    ).start()
    try:
        run_console(locker)
    finally:
        locker.stop()


def firmware(args):
    from fleet.firmware_build import build, config_from_args

    try:
        config = config_from_args(args)
        out = args.out or os.path.join("build", "firmware-" + args.board)
        files = build(args.board, out, config, args.identity)
    except ValueError as error:
        raise SystemExit("locker firmware build: %s" % error)
    print(
        "built %d files for %s in %s; copy them to the board with e.g.\n"
        "  mpremote connect PORT fs cp -r %s/* :" % (len(files), args.board, out, out)
    )


def chaos(args):
    from locker.chaos.run import run_chaos

    return run_chaos(
        lockers=args.lockers,
        minutes=args.minutes,
        database_url=args.database_url,
        seed=args.seed,
        workdir=args.workdir,
    )


def ca(args):
    from fleet.pki import FleetCA

    if args.ca_command == "init":
        FleetCA(args.dir).create()
        print("device CA created in %s (keep ca.key offline)" % args.dir)
        return 0
    return _revoke(FleetCA(args.dir), args.name, args.broker_dir)


def _revoke(fleet_ca, name, broker_dir):
    from fleet.broker_folder import BrokerFolder
    from fleet.identities import IdentityNameError
    from fleet.pki import UnknownIdentity
    from fleet.revocation import BrokerDidNotReload, revoke

    broker = (
        BrokerFolder(broker_dir)
        if os.path.isfile(os.path.join(broker_dir, "broker.json"))
        else None
    )
    try:
        revoke(fleet_ca, name, broker)
    except (UnknownIdentity, IdentityNameError) as refusal:
        raise SystemExit("locker ca revoke: %s" % refusal) from None
    except BrokerDidNotReload as failure:
        raise SystemExit("locker ca revoke: %s is on the CRL, but %s" % (name, failure)) from None
    return 0


def provision(args):
    from fleet.identities import IdentityNameError
    from fleet.provisioning import provision as make
    from protocol.layout import parse_layout

    try:
        out = make(
            args.locker_id,
            parse_layout(args.layout),
            args.api,
            args.ca_dir,
            args.out or os.path.join("provisioned", args.locker_id),
            headers=_bearer(args.token),
        )
    except (IdentityNameError, RuntimeError, httpx.HTTPError) as refusal:
        raise SystemExit("locker provision: %s" % refusal) from None
    print("provisioned %s: identity and certificate in %s" % (args.locker_id, out))


def boards(args):
    from locker.install_command import list_boards

    return list_boards(probe=not args.no_probe)


def install(args):
    from locker.install_command import run_install

    return run_install(args, _bearer(args.token))


def broker_config(args):
    from fleet.broker_folder import BrokerFolder
    from fleet.pki import FleetCA

    try:
        conf = BrokerFolder(args.out).write(
            FleetCA(args.ca_dir),
            port=args.port,
            host=args.host,
            server_name=args.server_name,
            bridge_workers=args.bridge_workers,
            user=args.user,
        )
    except ValueError as refusal:
        raise SystemExit("locker broker-config: %s" % refusal) from None
    print(
        "wrote %s and its ACL; start it with: mosquitto -c %s (it runs as %s)"
        % (conf, conf, BrokerFolder(args.out).settings()["user"])
    )


def gateway(args):
    from fleet.board_identity import IdentityError
    from fleet.gateway import run_gateway

    try:
        run_gateway(
            args.port,
            args.mqtt_url,
            baud=args.baud,
            identity=args.identity,
            server_name=args.server_name,
        )
    except (ValueError, IdentityError) as error:  # IdentityError is a ValueError: named for readers
        raise SystemExit("locker gateway: %s" % error) from None


def migrate(args):
    from cloud.db import migrate as upgrade

    upgrade(args.database_url)
    print("database schema is up to date")


def admin(args):
    import getpass
    import sys

    from cloud.db import migrated_engine, transaction
    from cloud.services.errors import DomainError
    from cloud.services.operators import create_operator

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password for %s: " % args.username)
        if getpass.getpass("again: ") != password:
            raise SystemExit("the passwords differ; nothing created")
    engine = migrated_engine(args.database_url)
    try:
        with transaction(engine) as session:
            create_operator(
                session, args.username, password, args.role, utcnow(), actor="system:cli"
            )
    except DomainError as refusal:
        raise SystemExit("refused: %s" % refusal.message) from None
    finally:
        engine.dispose()
    print("operator %s created with the role %s" % (args.username, args.role))


def postcodes(args):
    import sys

    from cloud.db import migrated_engine, transaction
    from cloud.services.errors import DomainError
    from cloud.services.postcodes import import_csv

    try:
        text = sys.stdin.read() if args.csv_file == "-" else Path(args.csv_file).read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise SystemExit("cannot read %s: %s" % (args.csv_file, error)) from None
    engine = migrated_engine(args.database_url)
    try:
        with transaction(engine) as session:
            taken = import_csv(session, text)
    except DomainError as refusal:
        raise SystemExit("refused, nothing imported: %s" % refusal.message) from None
    finally:
        engine.dispose()
    print("%d postcodes imported" % taken)
    return 0


def audit(args):
    from sqlmodel import Session

    from cloud.db import make_engine
    from cloud.services.audit import verify

    engine = make_engine(args.database_url)
    try:
        with Session(engine) as session:
            verdict = verify(session)
    finally:
        engine.dispose()
    if not verdict.intact:
        print(
            "audit chain BROKEN at entry #%d: %s (%d entries intact before it)"
            % (verdict.broken_at, verdict.reason, verdict.entries)
        )
        return 1
    print("%d entries, chain intact" % verdict.entries)
    return 0


def purge(args):
    from cloud.core.config import Settings
    from cloud.db import migrated_engine, transaction
    from cloud.services.purge import purge_contacts

    settings = Settings(database_url=args.database_url)
    engine = migrated_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            purged = purge_contacts(session, utcnow(), settings)
    finally:
        engine.dispose()
    print(
        "contact data purged from %d parcels (retention %d days)"
        % (purged, settings.contact_retention_days)
    )
    return 0


def _provision(api, locker_id, compartments, token=None):
    if not api:
        raise SystemExit("give --key (from an earlier provisioning) or --api to provision now")
    from fleet.registration import RegistrationRefused, register_locker

    try:
        key = register_locker(api, locker_id, compartments, headers=_bearer(token), timeout=10)
    except RegistrationRefused as refusal:
        raise SystemExit("provisioning failed: %s %s" % (refusal.status, refusal.text)) from None
    print("provisioned %s; keep its board key to restart it: --key %s" % (locker_id, key))
    return key


def _bearer(token):
    return {"Authorization": "Bearer " + token} if token else {}


def _wait_for_signal():
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


def routes(args):
    from locker.routes_cli import solve_file

    return solve_file(args.file, seconds=args.seconds, seed=args.seed)
