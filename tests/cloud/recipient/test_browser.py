"""The recipient page in a real Chromium at a phone's viewport, against a real cloud over
HTTP: open the link from the pickup SMS, see the QR code, extend, name a delegate; by label and
keyboard, as a screen reader or keyboard user would, with nothing wider than the screen."""

import re

import pytest
from sqlmodel import Session, select

from cloud.board_events import apply_device_event
from cloud.core.clock import utcnow
from cloud.db import transaction
from cloud.models import Compartment, Locker, Notification, Parcel, ParcelCreate
from cloud.services import notifications, parcels
from tests.cloud.admin.browser import launch, missing_browser
from tests.cloud.admin.live import LiveCloud
from tests.cloud.recipient.conftest import LINK

pytestmark = pytest.mark.skipif(bool(missing_browser()), reason=missing_browser() or "-")
PHONE = {"width": 390, "height": 844}
WAIT_S = 30  # a busy machine's page load


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_S * 1000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    """The admin browser tests' live cloud (uvicorn, a SQLite file) with one locker."""
    live = LiveCloud(tmp_path_factory.mktemp("recipient")).start()
    live.add_locker("RP-1", "MM", name="Station Road", address="2 Station Road")
    yield live
    live.stop()


def delivered(cloud, code):
    """A parcel pre-advised and deposited in RP-1 (its first event) by its board: the page path
    its SMS links to."""
    data = ParcelCreate(
        carrier="DHL",
        tracking_code=code,
        locker_id="RP-1",
        width_mm=300,
        height_mm=150,
        depth_mm=400,
        recipient={"name": "Ada", "phone": "+441234567890"},
    )
    with transaction(cloud.engine) as session:
        parcel = parcels.preadvise(session, data, utcnow(), settings=cloud.settings)
        body = {"lkr": "RP-1", "seq": 1, "t": 1_893_499_200_000, "type": "deposited"}
        compartment = session.get(Compartment, parcel.compartment_id)
        body |= {"parcel": code, "cmp": compartment.number}
        apply_device_event(
            session, session.get(Locker, "RP-1"), body, utcnow(), settings=cloud.settings
        )
        parcel_id = parcel.id
    with Session(cloud.engine) as session:
        sms = session.exec(
            select(Notification).where(
                Notification.parcel_id == parcel_id,
                Notification.channel == "sms",
                Notification.kind == "pickup",  # not the "on its way" notice at pre-advice
            )
        ).one()
        return parcel_id, LINK.search(notifications.text_to_send(sms, cloud.settings)).group(1)


def test_open_the_link_see_the_qr_extend_and_delegate_on_a_phone(phone, cloud):
    parcel_id, path = delivered(cloud, "BRW0001")
    phone.goto(cloud.url + path)
    assert phone.inner_text("h1") == "Your parcel BRW0001"
    qr = phone.get_by_role("img", name=re.compile("QR code that opens the compartment"))
    assert qr.is_visible() and qr.evaluate("img => img.naturalWidth") > 100  # a real image
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    phone.get_by_role("button", name="Extend the deadline").click()
    assert "you have more time" in phone.get_by_role("status").inner_text()
    assert phone.get_by_role("button", name="Extend the deadline").count() == 1
    phone.get_by_role("button", name="Extend the deadline").click()  # once only
    assert "extended only once" in phone.get_by_role("status").inner_text()

    phone.get_by_label("Their name").fill("Bob Builder")
    phone.get_by_label("Their mobile number").focus()
    phone.keyboard.type("+449876543210")
    phone.keyboard.press("Tab")  # the email field
    phone.keyboard.press("Tab")  # the button, reached by keyboard
    outline = phone.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus is visible
    phone.keyboard.press("Enter")
    assert "we sent them their PIN" in phone.get_by_role("status").inner_text()
    assert "Bob Builder may collect it too." in phone.inner_text("main")
    with Session(cloud.engine) as session:
        parcel = session.get(Parcel, parcel_id)
        assert parcel.extended_at is not None and parcel.delegate_name == "Bob Builder"
