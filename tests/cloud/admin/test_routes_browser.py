"""The Routes page in a real Chromium against a real cloud over HTTP: a plan the real planner
made drawn as a line per van in its own colour with its stops; "Plan now" makes a new one."""

import os
import re

import pytest

from cloud import planning
from cloud.core.clock import utcnow
from cloud.db import transaction
from tests.cloud.admin.browser import launch, log_in, missing_browser
from tests.cloud.admin.town import preadvise, set_up_town

pytestmark = pytest.mark.skipif(bool(missing_browser()), reason=missing_browser() or "-")
WAIT_S = 60  # planning takes a second of solving, more on a busy machine
SCREENSHOT = os.environ.get("ROUTES_SCREENSHOT")  # a path: keep a picture of the page there


@pytest.fixture(scope="module")
def town(live_cloud):
    live_cloud.add_operator("olga", "operator")
    with transaction(live_cloud.engine) as session:
        set_up_town(session, utcnow(), live_cloud.settings)
    first = planning.plan_depot(
        live_cloud.engine, "D1", utcnow(), actor="tests", seconds=1, settings=live_cloud.settings
    )
    return live_cloud, first


@pytest.fixture
def page(town):
    from playwright.sync_api import sync_playwright

    cloud, _ = town
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        page = chromium.new_page()
        page.set_default_timeout(WAIT_S * 1000)
        log_in(page, cloud.url, "olga", cloud.password)
        yield page
        chromium.close()


def test_the_plan_is_drawn_and_plan_now_makes_a_new_one(page, town):
    cloud, first = town
    page.click("header a:has-text('Routes')")
    page.wait_for_selector("#route-map")
    assert page.get_attribute("#plan", "data-plan") == str(first)
    lines = page.locator("#route-map polyline.route-line")
    strokes = [lines.nth(i).get_attribute("stroke") for i in range(lines.count())]
    assert len(strokes) == page.locator("#routes tr[id^=route-row-]").count() == 2
    assert len(set(strokes)) == len(strokes)  # a colour per route
    assert page.locator("#route-map g.stop").count() == 4  # every locker visited once
    assert "ETA" in page.locator("#route-map g.stop title").first.text_content()
    assert page.locator("#route-map").bounding_box()["width"] > 300  # drawn, not just there
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)

    with transaction(cloud.engine) as session:  # a late parcel for the next plan to carry
        preadvise(session, "E1", "LATE1", utcnow(), cloud.settings)
    page.fill("#plan-now input[name=seconds]", "1")
    page.click("button:has-text('Plan now')")
    page.wait_for_url(re.compile(r"/admin/routes\?depot=D1&plan="))  # the new plan, shown
    assert page.get_attribute("#plan", "data-plan") not in ("", str(first))
    assert page.locator("#plans tbody tr").count() == 2
    assert page.locator("#route-map polyline.route-line").count() == 1
    assert page.locator("#route-map g.stop").count() == 1  # only E1, for the late parcel
