"""Make docs/admin-dashboard.png: the admin's fleet page with a few lockers, parcels and alarms.

    .venv/bin/python scripts/screenshot_admin.py [output.png]

A throw-away cloud (SQLite in a temporary directory, uvicorn on a free port) is filled through
the same services the API and the bridge call, then Debian's Chromium (/usr/bin/chromium, via
Playwright; no browser is downloaded) logs in and takes the picture.
"""

import os
import secrets
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

from cloud.app import create_app  # noqa: E402
from cloud.core.clock import utcnow  # noqa: E402
from cloud.core.config import Settings  # noqa: E402
from cloud.db import migrated_engine, transaction  # noqa: E402
from cloud.models import LockerCreate, ParcelCreate  # noqa: E402
from cloud.runtime.api_server import ApiServer  # noqa: E402
from cloud.services import alarms, devices, lockers, parcels  # noqa: E402
from cloud.services.operators import create_operator  # noqa: E402
from fleet.localhost import free_port  # noqa: E402
from tests.cloud.admin.browser import launch, log_in, missing_browser  # noqa: E402

LOCKERS = [
    ("BER-001", "Alexanderplatz 1", "SSSSMMML", "1.4.2"),
    ("BER-002", "Friedrichstraße 43", "SSMMLL", "1.4.2"),
    ("BER-003", "Warschauer Str. 9", "SSSMML", "1.3.9"),
    ("HAM-001", "Jungfernstieg 7", "SSMML", None),
]  # never reported: offline
PLACES = {
    "BER-001": (52.5219, 13.4132),
    "BER-002": (52.5163, 13.3889),  # for the fleet map
    "BER-003": (52.5058, 13.4497),
    "HAM-001": (53.5526, 9.9936),
}
OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "admin-dashboard.png"


def fill(engine, settings):
    now = utcnow()
    with transaction(engine) as session:
        for locker_id, address, sizes, firmware in LOCKERS:
            city = "Hamburg" if locker_id.startswith("HAM") else "Berlin"
            latitude, longitude = PLACES[locker_id]
            data = LockerCreate(
                id=locker_id,
                name=address.split(",")[0],
                address=address + ", " + city,
                latitude=latitude,
                longitude=longitude,
                compartments=[{"number": n, "size": s} for n, s in enumerate(sizes, 1)],
            )
            lockers.provision_locker(session, data, now, settings=settings)
            if firmware:
                devices.set_online(session, locker_id, True, now, settings=settings)
                devices.record_telemetry(
                    session,
                    lockers.get_locker(session, locker_id),
                    {
                        "fw": firmware,
                        "mode": "normal",
                        "reset": "power_on",
                        "up": 86_400_000,
                        "heap": 81_000,
                        "rssi": -61,
                        "reconn": 1,
                    },
                    now,
                )
        for n in range(7):
            locker_id = LOCKERS[n % 3][0]
            parcel = parcels.preadvise(
                session,
                ParcelCreate(
                    carrier="DHL",
                    tracking_code="JJD%07d" % (4711 + n),
                    locker_id=locker_id,
                    width_mm=300,
                    height_mm=80,
                    depth_mm=400,
                    recipient={"name": "Recipient %d" % n, "phone": "+4915100000%02d" % n},
                ),
                now,
                settings=settings,
            )
            if n % 2 == 0:  # deposited: the board's `deposited` event would do the same
                parcel.state, parcel.deposited_at = "deposited", now
                for compartment in lockers.compartments_of(session, locker_id):
                    if compartment.id == parcel.compartment_id:
                        compartment.state = "occupied"
        alarms.raise_alarm(session, "BER-002", "jammed", "door 5 does not unlock", now, 5)
        alarms.raise_alarm(session, "BER-001", "left_open", "door 2 open for 10 minutes", now, 2)
        alarms.raise_alarm(session, "BER-003", "tamper", "door 4 opened without a command", now, 4)
        for compartment in lockers.compartments_of(session, "BER-002"):
            if compartment.number == 5:
                compartment.state = "jammed"


def main(output=OUTPUT):
    why = missing_browser()
    if why:
        sys.exit("cannot take the screenshot: " + why)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="admin-shot-") as directory:
        url = "sqlite:///%s/admin.db" % directory
        settings = Settings(database_url=url)
        engine = migrated_engine(url)
        fill(engine, settings)
        password = secrets.token_urlsafe(18)
        with transaction(engine) as session:
            create_operator(session, "olga", password, "operator", utcnow())
        server = ApiServer(create_app(settings, engine=engine), port=free_port()).start()
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                page = browser.new_page(viewport={"width": 1280, "height": 640})
                log_in(page, server.url, "olga", password)
                page.wait_for_function("document.body.dataset.liveVersion")  # badge filled in
                page.screenshot(path=str(output), full_page=True)
                browser.close()
        finally:
            server.stop()
            engine.dispose()
    print("wrote", output)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
