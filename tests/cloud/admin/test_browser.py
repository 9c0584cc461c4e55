"""The admin in a real Chromium against a real cloud over HTTP: log in, watch a locker go
offline and come back, acknowledge an alarm, open a door remotely after confirming."""

import pytest
from sqlmodel import Session, select

from cloud.models import Alarm, OutboxMessage
from tests.cloud.admin.browser import launch, log_in, missing_browser

pytestmark = pytest.mark.skipif(bool(missing_browser()), reason=missing_browser() or "-")
LIVE_S = 30  # how long a live update may take on a busy machine (it comes within ~1 s)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def fleet(live_cloud):
    live_cloud.add_operator("olga", "operator")
    live_cloud.add_locker("BR-1", "SSML", name="Station Road")
    live_cloud.add_locker("BR-2", "SM", name="Market Square")
    live_cloud.set_online("BR-1", True)
    return live_cloud


@pytest.fixture
def page(browser, fleet):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(LIVE_S * 1000)
    log_in(page, fleet.url, "olga", fleet.password)
    yield page
    context.close()  # closes the page's event stream too, so the server can stop


def test_logging_in_shows_the_fleet(page):
    assert "olga (operator)" in page.inner_text("header")
    assert page.get_attribute("#locker-BR-1", "data-status") == "online"
    assert page.get_attribute("#locker-BR-2", "data-status") == "offline"


def test_a_locker_goes_offline_and_comes_back_without_a_reload(page, fleet):
    page.wait_for_function("document.body.dataset.liveVersion")  # the event stream is up
    fleet.set_online("BR-1", False)
    page.wait_for_selector('#locker-BR-1[data-status="offline"]')
    fleet.set_online("BR-1", True)
    page.wait_for_selector('#locker-BR-1[data-status="online"]')
    assert page.url.endswith("/admin")  # the same page all along


def test_an_alarm_appears_live_and_is_acknowledged(page, fleet):
    page.click("text=Alarms")
    page.wait_for_function("document.body.dataset.liveVersion")
    alarm_id = fleet.raise_alarm("BR-1", "jammed", "door 3 does not unlock", compartment=3)
    row = page.wait_for_selector(f"#alarm-{alarm_id}")
    assert "door 3 does not unlock" in row.inner_text()
    page.click(f"#alarm-{alarm_id} button:has-text('Acknowledge')")
    page.wait_for_selector(f"#alarm-{alarm_id}", state="detached")
    with Session(fleet.engine) as session:
        assert session.get(Alarm, alarm_id).acknowledged_at is not None


def test_a_door_opens_remotely_through_the_confirmation_step(page, fleet):
    page.click("a:has-text('BR-2')")
    page.click("#compartment-2 a:has-text('Open remotely')")
    assert "Open door 2 of locker BR-2?" in page.inner_text("h1")
    page.fill("input[name=reason]", "recipient on the phone, door stuck")
    page.click("button:has-text('Yes, open door 2')")
    assert "Door 2 opening" in page.inner_text("[role=status]")
    with Session(fleet.engine) as session:
        bodies = session.exec(
            select(OutboxMessage.body).where(
                OutboxMessage.locker_id == "BR-2", OutboxMessage.type == "open"
            )
        ).all()
    assert bodies == ['{"cmp": 2}']
