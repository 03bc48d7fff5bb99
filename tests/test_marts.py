"""The marts tell the demo company's stories (demo-company.md) and match the CRM's own API."""

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
import requests

SURPRISE_AMOUNT = Decimal("28000000")
MARKETER_ID, OFFICE_ID, DISMISSED_ID, OVERDUE_MANAGER_ID = 7, 8, 5, 4


def one(marts, sql: str, *args):
    return marts.execute(sql, list(args)).fetchone()


def api_rows(portal, method: str, params: dict, wrapper: str | None = None) -> list[dict]:
    """A whole list through the portal's REST API, keyset-paged, as any client would."""
    rows, last = [], 0
    while True:
        body = requests.post(
            portal.webhook_url + method,
            json={
                **params,
                "order": {"ID": "ASC"},
                "filter": {**params.get("filter", {}), ">ID": last},
                "start": -1,
            },
            timeout=60,
        ).json()["result"]
        page = body[wrapper] if wrapper else body
        rows += page
        if len(page) < 50:
            return rows
        last = int(page[-1]["ID"])


def test_won_revenue_by_month_and_manager_equals_the_api_to_the_kopeck(marts, demo_portal):
    won = {
        d["ID"]: d
        for d in api_rows(
            demo_portal,
            "crm.deal.list",
            {
                "filter": {"STAGE_SEMANTIC_ID": "S"},
                "select": ["ID", "OPPORTUNITY", "CURRENCY_ID", "ASSIGNED_BY_ID"],
            },
        )
    }
    won_at = {}
    for move in api_rows(
        demo_portal,
        "crm.stagehistory.list",
        {"entityTypeId": 2, "filter": {"STAGE_SEMANTIC_ID": "S"}},
        wrapper="items",
    ):
        won_at[str(move["OWNER_ID"])] = max(
            won_at.get(str(move["OWNER_ID"]), ""), move["CREATED_TIME"]
        )
    rates = {
        c["CURRENCY"]: Decimal(c["AMOUNT"]) / Decimal(c["AMOUNT_CNT"])
        for c in requests.post(
            demo_portal.webhook_url + "crm.currency.list", json={}, timeout=30
        ).json()["result"]
    }
    expected: dict[tuple[date, int], Decimal] = defaultdict(Decimal)
    for deal_id, deal in won.items():
        month = date.fromisoformat(won_at[deal_id][:7] + "-01")  # the offset is Moscow's own
        amount = Decimal(deal["OPPORTUNITY"]) * rates[deal["CURRENCY_ID"]]
        expected[(month, int(deal["ASSIGNED_BY_ID"]))] += amount.quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )

    mart = {
        (month, manager): revenue
        for month, manager, revenue in marts.execute(
            "select won_month, manager_id, won_revenue from marts.mart_won_revenue_monthly"
        ).fetchall()
    }
    assert mart == dict(expected)


def test_the_surprise_close_shows_who_moved_it_and_that_it_looks_like_a_robot(marts):
    deal = one(
        marts,
        "select created_date, closed_date, closed_by_user_id, close_actor_source,"
        " is_close_automation_suspected, manager_id from marts.fct_deals where amount_base = ?",
        SURPRISE_AMOUNT,
    )
    created, closed, closed_by, source, robot, manager = deal
    assert created.year == 2023 and created.month == 3
    assert closed == date(2025, 3, 25)
    assert (closed_by, source, robot) == (MARKETER_ID, "observed", True)
    assert manager != MARKETER_ID  # the deal belongs to a sales manager
    to_24, to_25 = (
        one(
            marts,
            "select sum(amount_base) from marts.fct_deals where outcome = 'won' and not is_deleted"
            " and closed_date between '2025-01-01' and ?",
            day,
        )[0]
        for day in ("2025-03-24", "2025-03-25")
    )
    assert to_25 - to_24 == SURPRISE_AMOUNT
    mover = one(
        marts, "select works_deals from marts.dim_managers where manager_id = ?", MARKETER_ID
    )
    assert mover == (False,)


def test_the_bottleneck_is_ozhidanie_with_a_deal_moved_back_into_it(marts):
    ranked = marts.execute(
        "select stage_name, count(*) as open_deals, median(days_in_stage) as median_age"
        " from marts.fct_deal_stage_intervals where is_current and not is_deal_deleted"
        " and stage_semantic_id = 'P' group by stage_name order by open_deals * median_age desc"
    ).fetchall()
    stage, open_deals, _ = ranked[0]
    assert stage == "Ожидание" and open_deals > 100
    back = one(
        marts,
        "select count(*) from marts.fct_deal_stage_moves m join marts.dim_funnel_stages s"
        " on m.from_stage_id = s.stage_id where m.is_backward and m.to_stage_name = 'Ожидание'"
        " and s.stage_name = 'Передано инженеру'",
    )[0]
    assert back >= 1


def test_about_a_dozen_deals_are_forgotten(marts):
    forgotten, at_risk = one(
        marts,
        "select count(*), sum(amount_base) from marts.fct_deals"
        " where is_forgotten and not is_deleted",
    )
    assert 8 <= forgotten <= 16 and at_risk > 0


def test_the_long_loser(marts):
    created, closed, stage = one(
        marts,
        "select created_date, closed_date, stage_name from marts.fct_deals"
        " where amount_base = 6500000 and outcome = 'lost'",
    )
    assert (created, closed, stage) == (date(2024, 1, 30), date(2025, 4, 1), "Дорого")
    assert (closed - created).days > 400


def test_the_dismissed_manager_keeps_his_history(marts):
    active, deals, open_deals = one(
        marts,
        "select is_active, deals_assigned, open_deals_assigned from marts.dim_managers"
        " where manager_id = ?",
        DISMISSED_ID,
    )
    assert (active, open_deals) == (False, 0) and deals > 0  # his open deals were reassigned
    revenue = one(
        marts,
        "select sum(won_revenue) from marts.mart_won_revenue_monthly where manager_id = ?",
        DISMISSED_ID,
    )[0]
    assert revenue > 0
    calls = one(marts, "select count(*) from marts.fct_calls where user_id = ?", DISMISSED_ID)[0]
    assert calls > 0


def test_yandex_leads_are_traced_to_won_revenue_and_unknown_sources_are_kept(marts):
    yandex, unknown, total = one(
        marts,
        "select sum(amount_base)"
        " filter (where source_name = 'Яндекс.Директ' and lead_id is not null),"
        " sum(amount_base) filter (where source_name = 'Источник неизвестен'),"
        " sum(amount_base) from marts.fct_deals where outcome = 'won' and not is_deleted",
    )
    assert yandex > 0
    assert 0 < unknown / total < Decimal("0.5")


def test_the_office_account_holds_the_open_line(marts):
    sessions = dict(
        marts.execute(
            "select responsible_user_id, count(*) from marts.fct_activities"
            " where activity_kind = 'open_line' and not is_deleted group by 1"
        ).fetchall()
    )
    assert sessions[OFFICE_ID] >= 100 and sessions[OFFICE_ID] == max(sessions.values())
    assert one(marts, "select count(*) from marts.fct_calls where is_missed")[0] > 0


def test_one_manager_has_99_plus_overdue_todos(marts):
    overdue = dict(
        marts.execute(
            "select responsible_user_id, count(*) from marts.fct_activities"
            " where activity_kind = 'todo' and is_overdue and not is_deleted group by 1"
        ).fetchall()
    )
    assert overdue[OVERDUE_MANAGER_ID] >= 99
    assert sorted(overdue.values())[-2] < 99  # only one such manager


@pytest.mark.parametrize("mart", ["fct_deals", "fct_activities"])
def test_no_fan_out_one_mart_row_per_staged_record(marts, mart):
    staged = {"fct_deals": "stg_bitrix24__deals", "fct_activities": "stg_bitrix24__activities"}[
        mart
    ]
    assert one(marts, f"select count(*) from marts.{mart}") == one(
        marts, f"select count(*) from staging.{staged}"
    )


def test_manager_daily_adds_up_to_the_records_it_counts(marts):
    daily = dict(
        (row[0], row[1:])
        for row in marts.execute(
            "select manager_id, sum(calls_missed), sum(open_line_sessions), sum(todos_overdue),"
            " sum(won_amount) from marts.fct_manager_daily group by 1"
        ).fetchall()
    )
    assert daily[OFFICE_ID][1] >= 100  # the office account's open line, day by day
    assert daily[OVERDUE_MANAGER_ID][2] >= 99
    totals = one(
        marts,
        "select (select count(*) from marts.fct_calls where is_missed),"
        " (select count(*) from marts.fct_activities"
        "   where activity_kind = 'open_line' and not is_deleted),"
        " (select sum(won_revenue) from marts.mart_won_revenue_monthly)",
    )
    assert sum(d[0] for d in daily.values()) == totals[0]
    assert sum(d[1] for d in daily.values()) == totals[1]
    assert sum(d[3] for d in daily.values()) == totals[2]


def test_funnel_mart_ranks_ozhidanie_first_and_counts_every_open_deal(marts):
    stage, open_deals, rank = one(
        marts,
        "select stage_name, open_deals, bottleneck_rank from marts.mart_funnel_stages"
        " where funnel_name = 'Альтера услуги' order by bottleneck_rank limit 1",
    )
    assert (stage, rank) == ("Ожидание", 1) and open_deals > 100
    in_stages, in_deals = one(
        marts,
        "select (select sum(open_deals) from marts.mart_funnel_stages),"
        " (select count(*) from marts.fct_deals where outcome = 'open' and not is_deleted)",
    )
    assert in_stages == in_deals
    # every deal that won reached the success stage, and any-stage counting never shrinks it
    entered, won, cumulative = one(
        marts,
        "select max(deals_reached), max(deals_reached) filter (where stage_semantics = 'success'),"
        " max(cumulative_conversion) filter (where stage_semantics = 'success')"
        " from marts.mart_funnel_stages where funnel_name = 'Альтера услуги'",
    )
    won_in_funnel = one(
        marts,
        "select count(*) from marts.fct_deals where outcome = 'won' and not is_deleted"
        " and funnel_name = 'Альтера услуги'",
    )[0]
    assert won == won_in_funnel
    assert cumulative == (Decimal(won) / entered).quantize(Decimal("0.0001"))


def test_marketing_sources_trace_yandex_to_money_and_add_up_to_all_won_revenue(marts):
    by_source = {
        name: (leads, converted, revenue)
        for name, leads, converted, revenue in marts.execute(
            "select source_name, sum(leads), sum(converted_leads), sum(won_revenue)"
            " from marts.mart_marketing_sources group by 1"
        ).fetchall()
    }
    leads, converted, revenue = by_source["Яндекс.Директ"]
    assert leads > 0 and 0 < converted < leads and revenue > 0
    unknown_leads, _, unknown_revenue = by_source["Источник неизвестен"]
    assert unknown_leads == 0 and unknown_revenue > 0  # deals made by hand, kept
    total_won, live_leads = one(
        marts,
        "select (select sum(amount_base) from marts.fct_deals"
        "   where outcome = 'won' and not is_deleted),"
        " (select count(*) from marts.fct_leads where not is_deleted)",
    )
    assert sum(r for _, _, r in by_source.values()) == total_won
    assert sum(n for n, _, _ in by_source.values()) == live_leads
    yandex_utm = one(
        marts,
        "select count(*) from marts.fct_leads where source_name = 'Яндекс.Директ'"
        " and utm_source is not null and won_revenue > 0",
    )[0]
    assert yandex_utm > 0


def test_hygiene_lists_are_the_flagged_records(marts):
    lists = dict(
        marts.execute("select problem, count(*) from marts.mart_crm_hygiene group by 1").fetchall()
    )
    flagged = one(
        marts,
        "select count(*) filter (where is_forgotten), count(*) filter (where is_past_close_date)"
        " from marts.fct_deals where not is_deleted",
    )
    assert (lists["forgotten_deal"], lists["past_close_date"]) == flagged
    assert 8 <= lists["forgotten_deal"] <= 16
    overdue = one(
        marts,
        "select count(*) from marts.mart_crm_hygiene where problem = 'overdue_activity'"
        " and manager_id = ?",
        OVERDUE_MANAGER_ID,
    )[0]
    assert overdue >= 99
    url = one(marts, "select record_url from marts.mart_crm_hygiene where record_type = 'deal'")[0]
    assert "/crm/deal/details/" in url


def test_sales_dynamics_by_period_shows_the_surprise_close_on_the_25th(marts):
    to_24, to_25 = (
        one(
            marts,
            "select sum(won_revenue) from marts.mart_sales_dynamics where basis = 'period'"
            " and date_day between '2025-01-01' and ?",
            day,
        )[0]
        for day in ("2025-03-24", "2025-03-25")
    )
    assert to_25 - to_24 == SURPRISE_AMOUNT
    by_basis = dict(
        marts.execute(
            "select basis, sum(won_revenue) from marts.mart_sales_dynamics group by 1"
        ).fetchall()
    )
    monthly = one(marts, "select sum(won_revenue) from marts.mart_won_revenue_monthly")[0]
    assert by_basis == {"period": monthly, "cohort": monthly}  # same deals, other dates


def test_daily_snapshot_on_the_clock_day_is_the_open_pipeline(marts):
    snapshot = one(
        marts,
        "select count(*), sum(amount_base) from marts.fct_deal_daily_snapshots"
        " where snapshot_date = (select cast(max(as_of_at) + interval 3 hour as date)"
        "   from intermediate.int_portal_clock)",
    )
    pipeline = one(
        marts,
        "select count(*), sum(amount_base) from marts.fct_deals"
        " where outcome = 'open' and not is_deleted",
    )
    assert snapshot == pipeline
    a_year_before = one(
        marts,
        "select count(*) from marts.fct_deal_daily_snapshots where snapshot_date = '2024-04-17'",
    )[0]
    assert a_year_before > 0


def test_pipeline_velocity_is_the_formula_over_the_last_365_days(marts):
    from statistics import median

    as_of = one(marts, "select max(as_of_at) from intermediate.int_portal_clock")[0]
    deals = marts.execute(
        "select outcome, amount_base, cycle_days, closed_at, stage_order from marts.fct_deals"
        " where not is_deleted and funnel_name = 'Альтера услуги'"
    ).fetchall()
    closed = [d for d in deals if d[3] and 0 < (as_of - d[3]).total_seconds() <= 365 * 86400]
    won = [d for d in closed if d[0] == "won"]
    open_qualified = sum(1 for d in deals if d[0] == "open" and d[4] > 1)
    expected = (
        open_qualified
        * (sum(d[1] for d in won) / len(won))
        * (Decimal(len(won)) / len(closed))
        / median(d[2] for d in won)
    )
    velocity, win_rate = one(
        marts,
        "select velocity_per_day, win_rate from marts.mart_pipeline_velocity"
        " where funnel_name = 'Альтера услуги'",
    )
    assert win_rate == (Decimal(len(won)) / len(closed)).quantize(Decimal("0.0001"))
    assert abs(velocity - expected) < 1  # rounding of the average only


def test_custom_field_values_carry_the_labels_the_portal_defines(marts, demo_portal):
    field = "UF_CRM_1673522371"  # «Тип объекта», an enumeration
    definition = next(
        f
        for f in requests.post(
            demo_portal.webhook_url + "crm.deal.userfield.list", json={}, timeout=60
        ).json()["result"]
        if f["FIELD_NAME"] == field
    )
    labels = {item["ID"]: item["VALUE"] for item in definition["LIST"]}
    expected = {
        int(d["ID"]): labels[str(d[field])]
        for d in api_rows(demo_portal, "crm.deal.list", {"select": ["ID", field]})
        if d.get(field)
    }
    decoded = dict(
        marts.execute(
            "select v.record_id, v.value_label from marts.fct_custom_field_values v"
            " join marts.fct_deals d on d.deal_id = v.record_id and not d.is_deleted"
            " where v.owner_type = 'deal' and v.field_name = ?",
            [field],
        ).fetchall()
    )
    assert len(expected) > 100
    assert decoded == expected
    assert set(decoded.values()) <= set(labels.values())
    assert one(
        marts,
        "select distinct field_label from marts.fct_custom_field_values where field_name = ?",
        field,
    ) == ("Тип объекта",)
