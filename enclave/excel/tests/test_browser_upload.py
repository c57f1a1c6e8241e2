"""A real browser uploads Excel files: headless Chromium (Debian's, driven by Playwright) against a live
server and its background worker, as an official would use the import page.

1. A city administrator uploads a 20,000-row monthly-report file. It is larger than the in-request limit,
   so the worker imports it while the page polls: the progress bar must be seen to advance (through
   reading, checking and writing), then the outcome shows every report new.
2. A file with bad rows is uploaded: the page lists every problem (row, column, value, reason), and the
   marked copy downloads; openpyxl opens it and finds the bad cell filled and commented.

The harness is the dashboards' browser test's (enclave/dashboards/tests/test_browser.py): /usr/bin/chromium,
no browser download, skipped without Chromium unless ENCLAVE_REQUIRE_BROWSER=1, run once in the SQLite pass
of bin/test (its server has its own SQLite file, built with benchmarks/generate.py). Screenshots go to
var/test-artefacts/.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

PASSWORD = "Kunming#2024upload"
CHROMIUM = os.environ.get("ENCLAVE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTEFACTS = Path(settings.BASE_DIR) / "var" / "test-artefacts"
ROOT = Path(settings.BASE_DIR)
ROWS = 20_000

if not Path(CHROMIUM).exists():
    if os.environ.get("ENCLAVE_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"Chromium is required for the browser test but {CHROMIUM} does not exist")
    pytest.skip(f"Chromium not installed at {CHROMIUM}: browser test skipped", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
if connection.vendor != "sqlite":
    pytest.skip("the browser test runs once, in the SQLite pass of bin/test", allow_module_level=True)
pytestmark = [pytest.mark.browser]

# Run in the server's database: the generated projects' reports are removed, the files to upload written.
PREPARE = """
from openpyxl import Workbook
from enclave.accounts.models import User
from enclave.projects.models import Project
from enclave.sharing import excel as sharing_excel
from enclave.sharing.models import MonthlyReport, MonthlyTax

MonthlyTax.objects.all().delete()
MonthlyReport.objects.all().delete()
user = User.objects.get(username="bench")
user.set_password(PASSWORD); user.must_change_password = False; user.full_name = "市发改委"; user.save()
headers = [f.header for f in sharing_excel.fields()]
months = [f"{y}-{m:02d}" for y in (2023, 2024, 2025) for m in range(1, 13)]
codes = list(Project.objects.order_by("pk").values_list("code", flat=True))
good = Workbook(write_only=True)
ws = good.create_sheet("月度报表")
ws.append(headers)
written = 0
for code in codes:
    for month in months:
        if written < ROWS:
            ws.append([code, "", month, 1234.56, 99.5, 12.5, 0, 0, 0, 1.5, 0, 0, 0, 0, 0][: len(headers)])
            written += 1
good.save(FOLDER + "/月度报表-大.xlsx")
bad = Workbook()
ws = bad.active
ws.title = "月度报表"
ws.append(headers)
ws.append([codes[0], "", "2024-01", 10, 0][: len(headers)])
ws.append([codes[0], "", "2024-02", "12元5角", 0][: len(headers)])
ws.append(["BM-2099-999999", "", "2024-03", 10, 0][: len(headers)])
bad.save(FOLDER + "/月度报表-有错.xlsx")
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A live server and a background worker on their own SQLite file: 600 generated recognised projects,
    no monthly reports, the city administrator `bench`, and the two files to upload."""
    folder = tmp_path_factory.mktemp("upload-db")
    env = {**os.environ, "ENCLAVE_DATABASE_URL": f"sqlite:///{folder}/upload.sqlite3",
           "ENCLAVE_MEDIA_ROOT": str(folder / "media"), "ENCLAVE_IMPORT_DIR": str(folder / "imports"),
           "ENCLAVE_JOB_PROGRESS_DIR": str(folder / "jobs"), "ENCLAVE_DEMO": "1", "ENCLAVE_DEBUG": "0"}  # fmt: skip
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--projects", "600"],
                   env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)  # fmt: skip
    code = f"PASSWORD, ROWS, FOLDER = {PASSWORD!r}, {ROWS}, {str(folder)!r}\n" + PREPARE
    subprocess.run([*manage, "shell", "-c", code], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    port = _free_port()
    quiet = {"env": env, "cwd": ROOT, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"], **quiet
    )
    worker = subprocess.Popen([*manage, "db_worker"], **quiet)
    try:
        for _ in range(300):  # a loaded machine may take a while to start the server
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        yield {"url": f"http://127.0.0.1:{port}", "folder": folder}
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.refused = []

    def console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.refused.append(message.text)

    page.on("console", console)
    page.on("response", lambda r: r.status >= 500 and page.refused.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda e: page.refused.append(str(e)))
    page.goto(f"{live['url']}/accounts/login/")
    page.fill("#id_username", "bench")
    page.fill("#id_password", PASSWORD)
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, "bench could not sign in"
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def upload(page, live, filename: str) -> None:
    page.goto(f"{live['url']}/excel/?kind=reports")
    page.select_option("#id_kind", "reports")
    page.set_input_files("#id_file", str(live["folder"] / filename))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_load_state()
    assert "/excel/runs/" in page.url, page.url


def test_a_large_file_imports_in_the_background_with_a_progress_bar_that_advances(page, live):
    upload(page, live, "月度报表-大.xlsx")
    assert page.locator("#job-progress progress").count() == 1, "no progress bar: imported in the request?"
    # The page swaps the bar in from its fragment once a second; on a loaded machine a 20,000-row import can
    # finish between two swaps. So besides reading the bar in the page, the test fetches the same fragment
    # (the bar's own hx-get, in the browser's session) ten times a second and records what it would show.
    # The two sources are kept apart: the page's bar lags its fragment by up to a second, so read together
    # they would seem to go back and forth (a stale 0 in the page after a fresh 99 from the fragment).
    in_page: list[tuple[int, str]] = []
    fetched: list[tuple[int, str]] = []
    fragment = page.locator("#job-progress").get_attribute("hx-get")
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        bar = page.locator("#job-progress")
        if bar.count():
            value = int(float(bar.locator("progress").get_attribute("value") or 0))
            text = bar.inner_text()
            if not in_page or in_page[-1] != (value, text):
                in_page.append((value, text))
                if 0 < value < 100 and not any(0 < v < 100 for v, _t in in_page[:-1]):
                    screenshot(page, "upload-progress")
            if "查看结果" in text:
                break
        if fragment:
            html = page.request.get(live["url"] + fragment).text()
            match = re.search(r'<progress value="(\d+)', html)
            stage = " ".join(re.sub(r"<[^>]+>", " ", html).split())
            if match and (not fetched or fetched[-1] != (int(match.group(1)), stage)):
                fetched.append((int(match.group(1)), stage))
        time.sleep(0.1)
    seen = in_page + fetched
    assert any(0 < v < 100 for v, _t in seen), f"the bar never showed a step between 0 and 100: {seen}"
    order = ("排队中", "运行中", "已完成")
    for source in (in_page, fetched):  # each source on its own only goes forward:
        statuses = [next((i for i, s in enumerate(order) if s in t), -1) for _v, t in source]
        assert statuses == sorted(statuses), source  # queued, running, done, never back
        by_stage: dict[str, list[int]] = {}
        for value, text in source:  # and within one stage (reading, then writing) the bar never drops
            by_stage.setdefault(re.sub(r"（[^）]*）", "", text), []).append(value)
        assert all(v == sorted(v) for v in by_stage.values()), source
    assert any("读取并校验" in t or "写入" in t for _v, t in seen), seen
    page.click("text=查看结果")
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "已导入" in body and f"{ROWS}" in body.replace(",", ""), body[:500]
    screenshot(page, "upload-done")
    assert not page.refused, page.refused


def test_a_bad_file_shows_every_problem_and_its_marked_copy_downloads(page, live):
    import openpyxl

    upload(page, live, "月度报表-有错.xlsx")
    body = page.locator("main").inner_text()
    assert "有错误，未导入" in body and "发现 2 处问题" in body, body[:800]
    assert "精确到分以下" not in body  # (a reason this file does not have)
    assert "不是有效的金额" in body and "项目编号不存在" in body
    screenshot(page, "upload-problems")
    with page.expect_download() as waiting:
        page.click("text=下载标注了错误的文件")
    download = waiting.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        wb = openpyxl.load_workbook(io.BytesIO(handle.read()))
    assert wb.sheetnames[0] == "错误清单"
    ws = wb["月度报表"]
    assert ws["D3"].value == "12元5角" and "不是有效的金额" in ws["D3"].comment.text
    assert ws["D3"].fill.fgColor.rgb.endswith("FFC7CE") and ws["A4"].comment is not None
    assert ws["A2"].comment is None  # the good row is not marked
    assert not page.refused, page.refused
