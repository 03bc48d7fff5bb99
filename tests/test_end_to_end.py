"""The mart's numbers equal what the portal's own API says, to the kopeck."""

from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from pipelines.bitrix24.client import Bitrix24Client
from pipelines.demo_portal.clock import PORTAL_TZ


def won_revenue_by_month_from_the_api(webhook_url: str) -> dict[str, Decimal]:
    """Independent of dbt: read won deals and rates over REST and add them up in Python."""
    client = Bitrix24Client(webhook_url)
    rates = {
        c["CURRENCY"]: Decimal(c["AMOUNT"]) / Decimal(c["AMOUNT_CNT"])
        for c in client.call("crm.currency.list")["result"]
    }
    stages = [s for page in client.pages("crm.status.list") for s in page]
    success = {s["STATUS_ID"] for s in stages if s["SEMANTICS"] == "S"}
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for page in client.scan(
        "crm.deal.list", {"select": ["STAGE_ID", "OPPORTUNITY", "CURRENCY_ID", "MOVED_TIME"]}
    ):
        for deal in page:
            if deal["STAGE_ID"] in success:
                month = datetime.fromisoformat(deal["MOVED_TIME"]).astimezone(PORTAL_TZ)
                amount = Decimal(deal["OPPORTUNITY"]) * rates[deal["CURRENCY_ID"]]
                totals[month.strftime("%Y-%m")] += amount.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return dict(totals)


def test_won_revenue_by_month_matches_the_api(marts, demo_portal):
    from_api = won_revenue_by_month_from_the_api(demo_portal.webhook_url)
    from_mart = dict(
        marts.execute(
            "select strftime(won_month, '%Y-%m'), sum(won_revenue) "
            "from marts.mart_won_revenue_monthly group by 1"
        ).fetchall()
    )
    assert len(from_mart) > 30  # years of history, not a handful of months
    assert from_mart == from_api


def test_the_surprise_close_lands_on_the_assigned_manager_in_march_2025(marts):
    [(revenue, deals)] = marts.execute(
        "select won_revenue, won_deals from marts.mart_won_revenue_monthly "
        "where won_month = date '2025-03-01' and manager_name = 'Иван Калиниченко'"
    ).fetchall()
    assert revenue >= Decimal("28000000.00") and deals >= 1


def test_dismissed_managers_keep_their_history(marts):
    rows = marts.execute(
        "select manager_name, max(won_month), sum(won_deals) from marts.mart_won_revenue_monthly "
        "where not is_manager_active group by 1 order by 1"
    ).fetchall()
    assert [name for name, _, _ in rows] == ["Виктор Лебедев", "Сергей Петров"]
    # Nothing is won in their name after they left (30.06.2023 and 30.09.2024).
    assert {name: str(last) for name, last, _ in rows} == {
        "Виктор Лебедев": "2023-06-01",
        "Сергей Петров": "2024-09-01",
    }
