"""Debian's Chromium driven by Playwright: never a downloaded browser."""

import os
import shutil

CHROMIUM = "/usr/bin/chromium"
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # never fetch a browser build


def missing_browser():
    """Why the browser tests cannot run here, or "" if they can."""
    if not os.path.exists(CHROMIUM):
        return (
            "%s is missing: `make test` installs it (scripts/ensure-system-deps.sh, root on "
            "Debian/Ubuntu), or `apt-get install chromium`" % CHROMIUM
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[dev]'"
    return ""


def launch(playwright):
    """Headless Chromium; no sandbox when running as root (containers, CI), which it refuses."""
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    return playwright.chromium.launch(
        executable_path=shutil.which(CHROMIUM) or CHROMIUM, headless=True, args=args
    )


def log_in(page, base_url, username, password):
    page.goto(base_url + "/admin/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/admin")
