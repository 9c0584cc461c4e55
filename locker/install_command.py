"""`locker boards` and `locker install` on the terminal: rich output, one clear line and a
step's exit code when something fails (fleet/install/errors.py)."""

import logging

from rich.console import Console
from rich.table import Table

from fleet.install.board_link import BoardLink, NoBoard
from fleet.install.errors import InstallError
from fleet.install.installer import Installer, InstallOptions
from fleet.install.ports import board_ports, system_ports
from fleet.install.progress import Reporter
from protocol.layout import parse_layout


def list_boards(probe=True, ports=None, console=None):
    """A table of the ports that look like boards and what each runs; 1 if there is none."""
    console = console or Console(highlight=False)
    found = board_ports(system_ports() if ports is None else ports)
    if not found:
        console.print("no serial port looks like a MicroPython board (is it plugged in?)")
        return 1
    table = Table("port", "USB id", "chip", "runs")
    for port in found:
        table.add_row(port.device, port.usb_id, port.chip, _runs(port.device) if probe else "-")
    console.print(table)
    return 0


def _runs(device):
    try:
        with BoardLink(device) as link:
            facts = link.probe()
            link.resume()  # the probe stopped what it ran: start it again
    except NoBoard:
        return "no answer (no MicroPython, or busy: close other serial programs)"
    held = (facts["config"] or {}).get("locker_id")
    return "MicroPython %s on %s%s" % (
        facts["version"],
        facts["platform"],
        ", locker %s" % held if held else "",
    )


def run_install(args, headers, console=None):
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the steps say what the cloud did
    reporter = Reporter(console)
    try:
        options = InstallOptions(
            port=args.port,
            board=args.board,
            locker_id=args.locker_id,
            api=args.api,
            headers=headers,
            compartments=parse_layout(args.layout),
            broker=args.broker,
            ca_dir=args.ca_dir,
            wifi_ssid=args.wifi_ssid,
            wifi_password=args.wifi_password,
            lang=getattr(args, "lang", None),
            reprovision=args.reprovision,
            micropython_image=args.micropython_image,
            bootsel_drive=args.bootsel_drive,
            identity_dir=args.identity_dir,
            dry_run=args.dry_run,
            online_timeout=args.online_timeout,
        )
    except ValueError as error:
        reporter.failed("arguments: %s" % error)
        return 2
    try:
        return Installer(options, reporter).run()
    except InstallError as error:
        reporter.failed(error)
        return error.exit_code
