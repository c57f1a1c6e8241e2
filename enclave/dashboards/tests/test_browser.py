"""A real browser: headless Chromium (Debian's, driven by Playwright) against a live server.

Each role signs in through the login form, opens its dashboard and we check that every chart drew (an SVG
with shapes in it), that a unit user sees only its own unit, that a bar click opens the matching project
list, and that the Content-Security-Policy refused nothing. Screenshots go to var/test-artefacts/.

No browser is downloaded: Playwright launches /usr/bin/chromium (bin/test installs it with apt when
missing). Without Chromium this module is skipped, unless ENCLAVE_REQUIRE_BROWSER=1 (set by bin/test once
it has Chromium), in which case a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

PASSWORD = "Kunming#2024browser"

CHROMIUM = os.environ.get("ENCLAVE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTEFACTS = Path(settings.BASE_DIR) / "var" / "test-artefacts"
CHARTS = ("quarter", "park", "unit", "industry", "origin", "kind", "backlog", "tax", "indicators")

if not Path(CHROMIUM).exists():
    if os.environ.get("ENCLAVE_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"Chromium is required for the browser test but {CHROMIUM} does not exist")
    pytest.skip(f"Chromium not installed at {CHROMIUM}: browser test skipped", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
# The server is a real `manage.py runserver` on its own SQLite file holding the demo data (built with
# `manage.py demo`), so nothing here touches the test database; it runs once, in bin/test's SQLite pass.
if connection.vendor != "sqlite":
    pytest.skip("the browser test runs once, in the SQLite pass of bin/test", allow_module_level=True)
pytestmark = [pytest.mark.browser]
ROOT = Path(settings.BASE_DIR)
USERS = ("city", "mohan", "wuhua")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    """A live server with the demo data, the demo accounts city, mohan and wuhua on a known password."""
    folder = tmp_path_factory.mktemp("browser-db")
    env = {**os.environ, "ENCLAVE_DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
           "ENCLAVE_MEDIA_ROOT": str(folder / "media"), "ENCLAVE_DEMO": "1", "ENCLAVE_DEBUG": "0"}  # fmt: skip
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    code = (
        "from enclave.accounts.models import User\n"
        f"for u in User.objects.filter(username__in={list(USERS)!r}):\n"
        # As if each had already replaced the seeded initial password (the forced change has its own tests).
        f"    u.set_password({PASSWORD!r}); u.must_change_password = False; u.save()\n"
    )
    subprocess.run([*manage, "shell", "-c", code], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.refused = []  # CSP refusals, script errors and failed requests (other than the favicon)

    def console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.refused.append(message.text)

    def response(answer) -> None:
        if answer.status >= 400 and "favicon" not in answer.url and "?unit=530103" not in answer.url:
            page.refused.append(f"{answer.status} {answer.url}")

    page.on("console", console)
    page.on("response", response)
    page.on("pageerror", lambda e: page.refused.append(str(e)))
    yield page
    context.close()


def sign_in(page, live_url, username: str) -> None:
    page.goto(f"{live_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


def open_dashboard(page, live_url, path: str = "/dashboards/") -> None:
    page.goto(f"{live_url}{path}")
    page.wait_for_selector('#dashboard[data-ready="1"]', timeout=20_000)


def drawn_shapes(page, key: str) -> int:
    """How many shapes ECharts drew into the chart's SVG (0 when nothing was drawn)."""
    return page.evaluate(
        """key => {
            const svg = document.querySelector(`[data-chart="${key}"] svg`);
            return svg ? svg.querySelectorAll("path, rect").length : 0;
        }""",
        key,
    )


def screenshot(page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


@pytest.mark.parametrize(
    ("username", "title", "charts"),
    [
        ("city", "全市看板", CHARTS),
        ("mohan", "磨憨—磨丁合作区看板", CHARTS),
        (
            "wuhua",
            "五华区看板",
            ("quarter", "park", "unit", "industry", "origin", "kind", "tax", "indicators"),
        ),
    ],
)
def test_each_role_sees_its_dashboard_drawn(page, live_url, username, title, charts):
    sign_in(page, live_url, username)
    open_dashboard(page, live_url)
    assert page.locator("h2.page-title").inner_text() == title
    for key in charts:
        assert page.locator(f'[data-chart="{key}"]').get_attribute("data-drawn") == "1", key
        assert drawn_shapes(page, key) > 5, f"{key} drew nothing"
    shot = screenshot(page, f"dashboard-{username}")
    assert shot.stat().st_size > 20_000
    assert not page.refused, page.refused


def test_a_unit_user_sees_only_its_unit(page, live_url):
    sign_in(page, live_url, "wuhua")
    open_dashboard(page, live_url)
    data = page.evaluate("() => fetch(document.getElementById('dashboard').dataset.src).then(r => r.json())")
    charts = {c["key"]: c for c in data["charts"]}
    assert charts["unit"]["categories"] == ["五华区"] and charts["tax"]["categories"] == ["五华区"]
    assert all("unit=530102" in link for link in charts["park"]["series"][0]["links"])
    board = page.locator("#dashboard").inner_text()
    assert "盘龙区" not in board and "磨憨—磨丁合作区\n" not in charts["tax"]["categories"]
    assert page.goto(f"{live_url}/dashboards/?unit=530103").status == 403


def test_clicking_a_bar_opens_the_matching_project_list(page, live_url):
    sign_in(page, live_url, "city")
    open_dashboard(page, live_url)
    page.locator('[data-chart="park"]').scroll_into_view_if_needed()
    # Halfway up the first bar of the park chart (Mohan, 41 projects), from ECharts' own coordinates; the
    # count bar is the left one of the category's pair.
    point = page.evaluate(
        """() => {
            const el = document.querySelector('[data-chart="park"]');
            const chart = echarts.getInstanceByDom(el);
            const [x, y] = chart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [0, 20]);
            const box = el.getBoundingClientRect();
            return [box.left + x - 8, box.top + y];
        }"""
    )
    with page.expect_navigation():
        page.mouse.click(*point)
    assert "/projects/?" in page.url and "park=mohan" in page.url and "status=recognised" in page.url
    assert "41个项目" in page.locator("p.total").inner_text()
    screenshot(page, "drill-mohan-projects")


def test_the_bulletin_page_prints_as_a_document(page, live_url):
    sign_in(page, live_url, "city")
    page.goto(f"{live_url}/dashboards/bulletin/?as_of=2025-03-31")
    text = page.locator("article.bulletin").inner_text()
    assert "已有55个项目完成备案审核程序" in text and "12.92亿元" in text
    screenshot(page, "bulletin-city")
    assert not page.refused, page.refused
