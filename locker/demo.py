"""`locker demo`: broker, cloud, bridge and one simulated locker bank in one process."""

import socket
import tempfile
import time
from pathlib import Path

from fleet.registration import register_locker
from locker import access
from locker.embedded_broker import EmbeddedBroker
from locker.phone_inbox import PhoneInbox
from locker.scenario import LAYOUT, Scenario, ScenarioFailed
from locker.stack import CloudStack
from protocol.layout import parse_layout
from simulator.virtual_locker import VirtualLocker

LOCKER_ID = "DEMO-1"


def run_demo(once=False, api_port=8000, mqtt_port=1883, say=print):
    workdir = Path(tempfile.mkdtemp(prefix="locker-demo-"))
    broker = EmbeddedBroker(port=_free_or(mqtt_port)).start()
    stack = CloudStack(
        broker.url,
        "sqlite:///%s" % (workdir / "demo.db"),
        PhoneInbox(say),
        api_port=_free_or(api_port),
    ).start()
    board = None
    try:
        say(
            "openlocker demo: broker %s, API %s (docs at /docs), database %s\n"
            % (broker.url, stack.api.url, workdir / "demo.db")
        )
        username, password = access.create_admin(stack.engine, "demo-admin")
        say(
            "[cloud]   admin %s created (as `locker admin create` does; no default password)"
            % username
        )
        headers = access.login_headers(stack.api.url, username, password)
        board = _provision_board(stack.api.url, broker.url, say, headers)
        Scenario(stack.api.url, board, stack.notifications.notifier, say, headers=headers).run()
        if not once:
            say("\nOperator login for the API docs: %s / %s" % (username, password))
        if not once:
            say("\nServing the API on %s until Ctrl-C." % stack.api.url)
            _serve_forever()
        return 0
    except (ScenarioFailed, TimeoutError) as failure:
        say("\nDEMO FAILED: %s" % failure)
        return 1
    finally:
        if board is not None:
            board.stop()
        stack.stop()
        broker.stop()


def _provision_board(api_url, broker_url, say, headers):
    compartments = parse_layout(LAYOUT)
    key = register_locker(
        api_url,
        LOCKER_ID,
        compartments,
        name="Demo Street 1",
        address="Demo Street 1, 10115 Berlin",
        headers=headers,
        timeout=10,
    )
    say(
        "[cloud]   provisioned locker %s with %d compartments (%s)"
        % (LOCKER_ID, len(compartments), LAYOUT)
    )
    return VirtualLocker(LOCKER_ID, bytes.fromhex(key), compartments, broker_url).start()


def _free_or(port):
    """`port` if nothing listens there (Mosquitto may hold 1883), else any free port."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_forever():
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
