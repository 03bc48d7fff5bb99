"""The built report site, opened in headless Chromium offline, shows the mart's numbers."""

import csv
import functools
import io
import json
import re
import shutil
import threading
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from pipelines import report_site
from pipelines.demo_portal.server import DEFAULT_SECRET

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"  # shown in the README
DISMISSED_ID = 5
SURPRISE_AMOUNT = Decimal("28000000")
# Chromium's own background services try the internet; this machine has none.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def one(marts, sql: str, *args):
    row = marts.execute(sql, list(args)).fetchone()
    return row[0] if len(row) == 1 else row


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


STALE = report_site.SITE_DIR / "data" / "bitrix24" / "fct_deals" / "0ld" / "fct_deals.parquet"


@pytest.fixture(scope="module")
def site(built_warehouse: Path) -> Path:
    # what an earlier build leaves behind: another day's data under another hash
    STALE.parent.mkdir(parents=True, exist_ok=True)
    STALE.write_bytes(b"yesterday's deals")
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


def open_page(browser, url: str, name: str) -> tuple[Page, list[str], list[str]]:
    """Open a page once it has settled, and collect foreign requests and console errors."""
    page = browser.new_page(viewport={"width": 1280, "height": 1200}, accept_downloads=True)
    foreign, errors = [], []
    page.on("request", lambda r: None if r.url.startswith(url) else foreign.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + name)
    page.wait_for_load_state("networkidle")
    return page, foreign, errors


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name or 'index'}.png", full_page=True)


def rub(value) -> str:
    """As the site shows money: whole rubles, digits grouped by spaces, then ₽."""
    return grouped(value) + " ₽"


def grouped(value) -> str:
    whole = Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return f"{int(whole):,}".replace(",", " ")


def big_value(page: Page, title: str) -> Locator:
    """An Evidence BigValue: its title, the value and any comparison."""
    heading = page.locator("p.text-sm", has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))
    return heading.first.locator("xpath=..")


def table_rows(page: Page, header: str) -> list[list[str]]:
    table = page.locator("table:visible", has_text=header).first
    table.locator("tr:has(td)").first.wait_for()
    return [
        [cell.strip() for cell in row.split("\t")]
        for row in table.locator("tr:has(td)").all_inner_texts()
    ]


def choose(page: Page, dropdown: str, option: str) -> None:
    """Pick an option in an Evidence Dropdown (a button that opens a list)."""
    page.get_by_role("combobox", name=dropdown).click()
    page.keyboard.type(option)  # the list shows a few options; typing searches them all
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


PAGES = {
    "": "Обзор",
    "sales": "Динамика продаж",
    "funnel": "Воронка",
    "funnel/UC_WAITING": "Ожидание",
    "managers": "Менеджеры",
    f"managers/{DISMISSED_ID}": "Менеджер",
    "marketing": "Маркетинг",
    "marketing/ADVERTISING": "Яндекс.Директ",
    "hygiene": "Гигиена CRM",
    "deal-audit": "Аудит сделки",
    "data-trust": "Доверие к данным",
}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_offline_with_no_error(browser, site_url, name):
    page, foreign, errors = open_page(browser, site_url, name)
    assert page.locator("h1").first.inner_text().strip() != ""
    assert PAGES[name] in page.title() or PAGES[name] in page.locator("body").inner_text()
    screenshot(page, name.replace("/", "_"))
    body = page.locator("body").inner_text()
    assert "Error" not in body and "Ошибка" not in body, body[:2000]
    assert foreign == [], "the site must make no request to any other host"
    assert errors == []
    page.close()


def test_overview_shows_the_last_thirty_days_against_the_thirty_before(browser, site_url, marts):
    today = one(marts, "select cast(max(portal_clock_at) as date) from marts.mart_data_trust")
    won_now, won_before, lost_now = one(
        marts,
        """
        select
            sum(amount_base) filter (where outcome = 'won' and closed_date > ?::date - 30),
            sum(amount_base) filter (where outcome = 'won' and closed_date <= ?::date - 30),
            count(*) filter (where outcome = 'lost' and closed_date > ?::date - 30)
        from marts.fct_deals
        where not is_deleted and closed_date > ?::date - 60 and closed_date <= ?::date
        """,
        *[today] * 5,
    )
    forgotten = one(marts, "select count(*) from marts.fct_deals where is_forgotten")
    page, _, _ = open_page(browser, site_url, "")
    assert rub(won_now) in big_value(page, "Выручка (выиграно), ₽").inner_text()
    assert rub(won_now - won_before) in big_value(page, "Выручка (выиграно), ₽").inner_text()
    assert grouped(lost_now) in big_value(page, "Проиграно сделок").inner_text()
    assert grouped(forgotten) in big_value(page, "Забытых сделок (14+ дней)").inner_text()
    assert today.strftime("%d.%m.%Y") in page.locator("body").inner_text()
    page.close()


def test_sales_dynamics_filters_change_the_numbers_to_what_sql_says(browser, site_url, marts):
    def revenue(
        basis: str, manager: str | None = None, funnel: str | None = None, entity: str | None = None
    ) -> Decimal:
        return one(
            marts,
            "select coalesce(sum(won_revenue), 0) from marts.mart_sales_dynamics"
            " where basis = ? and manager_name = coalesce(?, manager_name)"
            " and funnel_name = coalesce(?, funnel_name)"
            " and legal_entity_name = coalesce(?, legal_entity_name)",
            basis,
            manager,
            funnel,
            entity,
        )

    page, _, errors = open_page(browser, site_url, "sales")
    total = big_value(page, "Выручка, ₽")
    expect(total).to_contain_text(rub(revenue("period")))
    managers = [
        [manager, grouped(won), grouped(lost), grouped(amount)]
        for manager, won, lost, amount in marts.execute(
            "select manager_name || case when is_manager_active then '' else ' (уволен)' end,"
            " sum(won_deals), sum(lost_deals), sum(won_revenue) from marts.mart_sales_dynamics"
            " where basis = 'period' and manager_id is not null"
            " group by all order by 4 desc nulls last, 1"
        ).fetchall()
    ]
    assert [row[:4] for row in table_rows(page, "Проиграно")] == managers

    # the legacy legal entity alone: part of the total, and every listed deal is its
    legacy = "ООО «Эталон»"
    choose(page, "Юрлицо", legacy)
    expect(total).to_contain_text(rub(revenue("period", entity=legacy)), timeout=30_000)
    assert revenue("period", entity=legacy) not in (0, revenue("period"))
    entity_column = 2  # №, Сделка, Юрлицо, …
    deals = page.locator("table:visible", has_text="Цикл, дней").first
    expect(deals.locator("tr:has(td)").first).to_contain_text(legacy, timeout=30_000)
    listed = table_rows(page, "Цикл, дней")
    assert listed and {row[entity_column] for row in listed} == {legacy}
    choose(page, "Юрлицо", "Все юрлица")
    expect(total).to_contain_text(rub(revenue("period")), timeout=30_000)

    dismissed = one(
        marts, "select manager_name from marts.dim_managers where manager_id = ?", DISMISSED_ID
    )
    choose(page, "Менеджер", dismissed)
    expect(total).to_contain_text(rub(revenue("period", dismissed)), timeout=30_000)
    choose(page, "Считать по", "дате создания (когорта)")
    expect(total).to_contain_text(rub(revenue("cohort", dismissed)), timeout=30_000)
    choose(page, "Воронка", "Эталон")
    expect(total).to_contain_text(rub(revenue("cohort", dismissed, "Эталон")), timeout=30_000)
    assert revenue("cohort", dismissed, "Эталон") not in (0, revenue("cohort", dismissed))
    assert errors == []
    page.close()


def test_deal_links_point_to_the_deal_card_on_the_portal(browser, site_url, marts):
    page, _, _ = open_page(browser, site_url, "sales")
    table = page.locator("table:visible", has_text="Цикл, дней").first
    first = table.locator("tr:has(td)").first
    deal_id = first.locator("td").first.inner_text().strip()
    href = first.locator("a").first.get_attribute("href")
    portal = one(marts, "select portal_id from marts.fct_deals limit 1")
    assert href == f"https://{portal}/crm/deal/details/{deal_id}/"
    top = one(
        marts,
        "select deal_id from marts.fct_deals where outcome = 'won' and not is_deleted"
        " order by amount_base desc limit 1",
    )
    assert deal_id == str(top)
    page.close()


def test_the_downloaded_csv_has_exactly_the_rows_the_filtered_table_shows(browser, site_url, marts):
    page, _, _ = open_page(browser, site_url, "hygiene")
    choose(page, "Без касаний не меньше, дней", "30")
    expected = [
        str(i)
        for (i,) in marts.execute(
            "select deal_id from marts.fct_deals where outcome = 'open' and not is_deleted"
            " and days_since_touch >= 30 order by days_since_touch desc, deal_id"
        ).fetchall()
    ]
    assert 0 < len(expected) <= 20  # one page of the table
    table = page.get_by_test_id("DataTable-forgotten")
    expect(table.locator("tr:has(td)")).to_have_count(len(expected), timeout=30_000)
    shown = [row.split("\t")[0].strip() for row in table.locator("tr:has(td)").all_inner_texts()]
    assert shown == expected
    table.hover()
    with page.expect_download() as download:
        table.get_by_role("button", name="Download").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert [str(int(float(r["deal_id"]))) for r in rows] == expected
    page.close()


def test_funnel_names_the_bottleneck_and_lists_the_deals_stuck_longest(browser, site_url, marts):
    stage, open_deals = one(
        marts,
        "select stage_name, open_deals from marts.mart_funnel_stages"
        " where funnel_name = 'Альтера услуги' and bottleneck_rank = 1",
    )
    assert stage == "Ожидание"
    page, _, _ = open_page(browser, site_url, "funnel")
    expect(big_value(page, "Узкое место")).to_contain_text(stage)
    assert grouped(open_deals) in big_value(page, "Открытых сделок в ней").inner_text()
    longest = one(
        marts,
        "select i.deal_id from marts.fct_deal_stage_intervals i"
        " join marts.fct_deals d using (portal_id, deal_id)"
        " where i.is_current and d.outcome = 'open' and not d.is_deleted"
        " and d.funnel_name = 'Альтера услуги' and i.stage_name = ?"
        " order by i.days_in_stage desc limit 1",
        stage,
    )
    assert table_rows(page, "Дней в стадии")[0][0] == str(longest)
    page.close()


def test_clicking_a_stage_or_a_source_narrows_the_view_to_it(browser, site_url, marts):
    page, _, errors = open_page(browser, site_url, "funnel")
    page.get_by_test_id("DataTable-stages").get_by_text("Ожидание", exact=True).click()
    page.wait_for_url(re.compile(r".*/funnel/UC_WAITING/?$"))
    open_deals = one(
        marts, "select open_deals from marts.mart_funnel_stages where stage_id = 'UC_WAITING'"
    )
    expect(big_value(page, "Открытых сделок")).to_contain_text(grouped(open_deals))
    assert len(page.get_by_test_id("DataTable-deals").locator("tr:has(td)").all()) == 20

    page.goto(site_url + "marketing")
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("DataTable-by_source").get_by_text("Яндекс.Директ", exact=True).click()
    page.wait_for_url(re.compile(r".*/marketing/ADVERTISING/?$"))
    leads, revenue = one(
        marts,
        "select sum(leads), sum(won_revenue) from marts.mart_marketing_sources"
        " where source_id = 'ADVERTISING'",
    )
    expect(big_value(page, "Лидов")).to_contain_text(grouped(leads))
    expect(big_value(page, "Выручка, ₽")).to_contain_text(rub(revenue))
    assert errors == []
    page.close()


def test_the_dismissed_managers_page_keeps_his_history(browser, site_url, marts):
    won, calls_out = one(
        marts,
        "select sum(won_amount), sum(calls_outgoing) from marts.fct_manager_daily"
        " where manager_id = ?",
        DISMISSED_ID,
    )
    page, _, _ = open_page(browser, site_url, f"managers/{DISMISSED_ID}")
    assert "уволен" in page.locator("body").inner_text()
    assert rub(won) in big_value(page, "Выиграно, ₽").inner_text()
    assert grouped(calls_out) in big_value(page, "Исходящих звонков").inner_text()
    page.close()


def test_marketing_shows_the_unknown_source_share_of_revenue(browser, site_url, marts):
    unknown, leads = one(
        marts,
        "select sum(won_revenue) filter (where source_id = 'UNKNOWN') / sum(won_revenue),"
        " sum(leads) from marts.mart_marketing_sources",
    )
    page, _, _ = open_page(browser, site_url, "marketing")
    assert (
        f"{unknown * 100:.1f}%" in big_value(page, "Выручка с неизвестным источником").inner_text()
    )
    assert grouped(leads) in big_value(page, "Лидов").inner_text()
    sources = {row[0] for row in table_rows(page, "Выручка на лид, ₽")}
    assert {"Яндекс.Директ", "Источник неизвестен"} <= sources
    page.close()


def test_the_surprise_close_is_found_on_the_deal_audit_page(browser, site_url, marts):
    deal, title, closer = one(
        marts,
        "select d.deal_id, d.title, m.manager_name from marts.fct_deals d"
        " join marts.dim_managers m on m.manager_id = d.closed_by_user_id"
        " where d.amount_base = ? and d.outcome = 'won'",
        SURPRISE_AMOUNT,
    )
    page, _, _ = open_page(browser, site_url, "deal-audit")
    first = table_rows(page, "Закрыл (учётная запись)")[0]
    assert first[:3] == [str(deal), title, rub(SURPRISE_AMOUNT).removesuffix(" ₽")]
    assert first[3].startswith("25.03.2025") and first[4] == closer
    page.locator("span:has-text('Номер сделки или часть названия') + input").fill(str(deal))
    history = page.locator("table:visible", has_text="Похоже на робота").first
    expect(history).to_contain_text("Сделка успешна", timeout=30_000)
    won_move = [r for r in table_rows(page, "Похоже на робота") if r[2] == "Сделка успешна"]
    assert won_move and won_move[0][5:] == [closer, "observed", "да"]
    page.close()


def test_data_trust_shows_the_api_totals_beside_the_warehouse(browser, site_url, marts):
    deals_total = one(marts, "select api_total from marts.mart_data_trust where entity = 'deals'")
    differences = one(marts, "select count(*) from marts.mart_reconciliation")
    page, _, _ = open_page(browser, site_url, "data-trust")
    assert grouped(differences) in big_value(page, "Расхождений с CRM").inner_text()
    deals = next(r for r in table_rows(page, "Total в CRM") if r[0] == "deals")
    assert grouped(deals_total) in deals
    page.close()


def test_the_webhook_secret_is_nowhere_in_the_site(site):
    files = [path for path in site.rglob("*") if path.is_file()]
    assert any(path.suffix == ".parquet" for path in files)  # the data is in there to search
    leaks = [path for path in files if DEFAULT_SECRET.encode() in path.read_bytes()]
    assert leaks == []


def test_the_site_ships_one_copy_of_each_query_result(site):
    """Evidence keeps every earlier build's data under its own hash: a rebuild must not ship
    them (they are dead weight, and may hold records deleted since)."""
    assert not STALE.exists()
    copies: dict[str, int] = {}
    for parquet in site.glob("data/bitrix24/*/*/*.parquet"):
        copies[parquet.parent.parent.name] = copies.get(parquet.parent.parent.name, 0) + 1
    assert copies and set(copies.values()) == {1}, copies


def test_the_offline_duckdb_wasm_pin_and_patch_are_installed():
    """DuckDB-WASM 1.28.0 is the last with parquet built in (shared/design/evidence-offline.md)."""
    modules = ROOT / "reports_evidence" / "node_modules"
    wasm = json.loads((modules / "@duckdb" / "duckdb-wasm" / "package.json").read_text())
    assert wasm["version"] == "1.28.0"
    client = modules / "@evidence-dev" / "universal-sql" / "src" / "client-duckdb"
    for name in ("node.js", "browser.js"):
        assert "setIfKnown('SET old_implicit_casting = true;')" in (client / name).read_text()
