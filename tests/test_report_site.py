"""The built report site, opened in headless Chromium offline, shows the mart's numbers."""

import functools
import json
import shutil
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from pipelines import report_site
from pipelines.demo_portal.server import DEFAULT_SECRET

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-results" / "screenshots"
# Chromium's own background services try the internet; this machine has none.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(built_warehouse: Path) -> Path:
    return report_site.build(built_warehouse)


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: `make test` installs it (make browser)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, url: str, name: str, ready: str) -> tuple[Page, list[str], list[str]]:
    """Open a page, wait until the `ready` table has rows, and collect foreign requests and
    console errors on the way."""
    page = browser.new_page(viewport={"width": 1280, "height": 1200})
    foreign, errors = [], []
    page.on("request", lambda r: None if r.url.startswith(url) else foreign.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.locator("table:visible", has_text=ready).locator("tr:has(td)").first.wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    return page, foreign, errors


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def test_overview_shows_the_mart_totals_and_managers(browser, site_url, marts):
    page, foreign, errors = open_page(browser, site_url, "index", ready="Менеджер")
    revenue, deals = marts.execute(
        "select sum(won_revenue), sum(won_deals) from marts.mart_won_revenue_monthly"
    ).fetchone()
    text = page.locator("body").inner_text()
    assert money(revenue) in text
    assert f"{deals:,}" in text

    expected = [
        [name + ("" if active else " (уволен)"), f"{won:,}", money(amount)]
        for name, active, won, amount in marts.execute(
            "select manager_name, is_manager_active, sum(won_deals), sum(won_revenue) "
            "from marts.mart_won_revenue_monthly group by all order by 4 desc"
        ).fetchall()
    ]
    table = page.locator("table:visible", has_text="Менеджер")
    rows = [row.split("\t") for row in table.locator("tr:has(td)").all_inner_texts()]
    assert [[cell.strip() for cell in row] for row in rows] == expected
    assert foreign == [], "the site must make no request to any other host"
    assert errors == []
    page.close()


def test_the_webhook_secret_is_nowhere_in_the_site(site):
    files = [path for path in site.rglob("*") if path.is_file()]
    assert any(path.suffix == ".parquet" for path in files)  # the data is in there to search
    leaks = [path for path in files if DEFAULT_SECRET.encode() in path.read_bytes()]
    assert leaks == []


def test_the_offline_duckdb_wasm_pin_and_patch_are_installed():
    """DuckDB-WASM 1.28.0 is the last with parquet built in (shared/design/evidence-offline.md)."""
    modules = ROOT / "reports_evidence" / "node_modules"
    wasm = json.loads((modules / "@duckdb" / "duckdb-wasm" / "package.json").read_text())
    assert wasm["version"] == "1.28.0"
    client = modules / "@evidence-dev" / "universal-sql" / "src" / "client-duckdb"
    for name in ("node.js", "browser.js"):
        assert "setIfKnown('SET old_implicit_casting = true;')" in (client / name).read_text()
