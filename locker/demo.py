"""`locker demo`: broker, cloud, bridge and a morning of route planning in Kraków in one
process: twenty lockers (one with a simulated board), a depot's vans and a cargo bike."""

import socket
import tempfile
import time
from pathlib import Path

from locker import access, city
from locker.board_steps import ScenarioFailed
from locker.embedded_broker import EmbeddedBroker
from locker.morning import CityMorning, maintenance_jobs
from locker.phone_inbox import PhoneInbox
from locker.stack import CloudStack
from protocol.layout import parse_layout
from simulator.virtual_locker import VirtualLocker


def run_demo(once=False, api_port=8000, mqtt_port=1883, say=print):
    # The solver's advice on penalty tuning is for whoever models a problem, not the audience.
    workdir = Path(tempfile.mkdtemp(prefix="locker-demo-"))
    broker = EmbeddedBroker(port=_free_or(mqtt_port)).start()
    stack = CloudStack(
        broker.url,
        "sqlite:///%s" % (workdir / "demo.db"),
        PhoneInbox(_texts_about(city.SITES[0].address, say)),
        api_port=_free_or(api_port),
        jobs=maintenance_jobs(),
    ).start()
    morning = None
    started = time.monotonic()
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

        def start_board(locker_id, key):
            compartments = parse_layout(city.BOARD_LAYOUT)
            return VirtualLocker(locker_id, key, compartments, broker.url).start()

        actor = "operator:" + username
        morning = CityMorning(stack, start_board, headers, say, actor=actor)
        morning.run()
        say("\nThe morning took %.0f s of wall time." % (time.monotonic() - started))
        if not once:
            say("\nOperator login for the API docs and the admin: %s / %s" % (username, password))
            say("Routes on the map: %s/admin/routes" % stack.api.url)
            say("\nServing the API on %s until Ctrl-C." % stack.api.url)
            _serve_forever()
        return 0
    except (ScenarioFailed, TimeoutError) as failure:
        say("\nDEMO FAILED: %s" % failure)
        return 1
    finally:
        if morning is not None:
            morning.close()
        stack.stop()
        broker.stop()


def _texts_about(address, say):
    """Echo the texts about parcels at one locker: two hundred would drown the story."""

    def echo(line):
        if address in line:
            say(line)

    return echo


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
