"""The demo portal answers like a real portal (shared/design/bitrix24-rest-api.md)."""

from datetime import datetime

import pytest
import requests

from pipelines.demo_portal import org
from pipelines.demo_portal.params import php_decode


def call(portal, method: str, http: str = "post", **kwargs) -> requests.Response:
    return requests.request(http, portal.webhook_url + method, timeout=10, **kwargs)


def test_list_envelope_pages_of_fifty_with_total_and_next(demo_portal, portal_db):
    deals_in_portal = portal_db.execute("select count(*) from deals").fetchone()[0]
    body = call(demo_portal, "crm.deal.list", json={"select": ["ID"]}).json()
    assert len(body["result"]) == 50
    assert body["total"] == deals_in_portal
    assert body["next"] == 50
    assert set(body["time"]) >= {
        "start",
        "finish",
        "duration",
        "processing",
        "date_start",
        "date_finish",
    }
    assert (
        datetime.fromisoformat(body["time"]["date_start"]).utcoffset().total_seconds() == 3 * 3600
    )

    last_start = (deals_in_portal - 1) // 50 * 50
    last = call(demo_portal, "crm.deal.list", json={"select": ["ID"], "start": last_start}).json()
    assert len(last["result"]) == deals_in_portal - last_start
    assert "next" not in last


def test_start_minus_one_skips_the_count(demo_portal, portal_db):
    body = call(
        demo_portal,
        "crm.deal.list",
        json={"order": {"ID": "ASC"}, "filter": {">ID": 100}, "start": -1},
    ).json()
    assert body["total"] == 0
    assert "next" not in body
    expected = portal_db.execute("select ID from deals where ID > 100 order by ID limit 50")
    assert [int(r["ID"]) for r in body["result"]] == [r[0] for r in expected]


def test_legacy_values_are_strings_flags_and_offset_dates(demo_portal):
    deal = call(demo_portal, "crm.deal.get", json={"id": 1}).json()["result"]
    assert deal["ID"] == "1"
    assert isinstance(deal["OPPORTUNITY"], str) and deal["OPPORTUNITY"].endswith(".00")
    assert deal["CLOSED"] in ("Y", "N")
    assert deal["DATE_CREATE"].endswith("+03:00")
    hand_made = call(demo_portal, "crm.deal.list", json={"filter": {"LEAD_ID": ""}}).json()
    assert hand_made["result"][0]["LEAD_ID"] is None  # empties are null, not ""


def test_query_string_php_brackets_and_case_insensitive_method(demo_portal):
    query = (
        "filter%5B%3E%3DOPPORTUNITY%5D=20000000&select%5B%5D=ID&select%5B%5D=OPPORTUNITY"
        "&order%5BOPPORTUNITY%5D=DESC"
    )
    body = requests.get(f"{demo_portal.webhook_url}CRM.Deal.List.json?{query}", timeout=10).json()
    amounts = [float(r["OPPORTUNITY"]) for r in body["result"]]
    assert amounts and all(a >= 20_000_000 for a in amounts)
    assert amounts == sorted(amounts, reverse=True)
    assert set(body["result"][0]) == {"ID", "OPPORTUNITY"}


def test_body_overrides_query(demo_portal):
    body = requests.post(
        f"{demo_portal.webhook_url}user.get?FILTER%5BID%5D=1", data={"FILTER[ID]": "2"}, timeout=10
    ).json()
    assert [u["ID"] for u in body["result"]] == ["2"]


def test_select_masks_and_filter_operators(demo_portal, portal_db):
    won = portal_db.execute("select count(*) from deals where STAGE_SEMANTIC_ID = 'S'").fetchone()[
        0
    ]
    body = call(
        demo_portal,
        "crm.deal.list",
        json={"filter": {"STAGE_SEMANTIC_ID": "S"}, "select": ["UF_*"]},
    ).json()
    assert body["total"] == won
    assert set(body["result"][0]) == {"ID", *(name for name, _, _ in org.USER_FIELDS)}
    in_list = call(demo_portal, "crm.deal.list", json={"filter": {"@ID": [3, 5, 7]}}).json()
    assert [r["ID"] for r in in_list["result"]] == ["3", "5", "7"]
    not_in = call(
        demo_portal,
        "crm.deal.list",
        json={"filter": {"!@CATEGORY_ID": [0, 1]}, "select": ["CATEGORY_ID"]},
    ).json()
    assert {r["CATEGORY_ID"] for r in not_in["result"]} == {"2"}
    like = call(demo_portal, "crm.deal.list", json={"filter": {"%TITLE": "Ривьера"}}).json()
    assert [r["TITLE"] for r in like["result"]] == ["Спа-комплекс «Северная Ривьера»"]


def test_zero_is_a_value_and_empty_means_unset(demo_portal, portal_db):
    main_funnel = portal_db.execute("select count(*) from deals where CATEGORY_ID = 0").fetchone()
    body = call(demo_portal, "crm.deal.list", json={"filter": {"CATEGORY_ID": 0}}).json()
    assert body["total"] == main_funnel[0] > 0
    no_lead, with_lead = portal_db.execute(
        "select sum(LEAD_ID is null), sum(LEAD_ID is not null) from deals"
    ).fetchone()
    body = call(demo_portal, "crm.deal.list", json={"filter": {"LEAD_ID": ""}}).json()
    assert body["total"] == no_lead > 0
    body = call(demo_portal, "crm.deal.list", json={"filter": {"!LEAD_ID": ""}}).json()
    assert body["total"] == with_lead > 0


def test_statuses_carry_semantics(demo_portal):
    body = call(demo_portal, "crm.status.list", json={"filter": {"ENTITY_ID": "DEAL_STAGE"}}).json()
    by_id = {r["STATUS_ID"]: r for r in body["result"]}
    assert by_id["WON"]["SEMANTICS"] == "S" and by_id["WON"]["EXTRA"]["SEMANTICS"] == "success"
    assert by_id["UC_WAITING"]["NAME"] == "Ожидание" and by_id["UC_WAITING"]["SEMANTICS"] is None
    assert by_id["LOSE"]["NAME"] == "Дорого"


def test_users_keep_dismissed_with_boolean_active(demo_portal):
    users = call(demo_portal, "user.get", json={}).json()["result"]
    assert len(users) == 15
    assert {u["LAST_NAME"] for u in users if u["ACTIVE"] is False} == {"Петров", "Лебедев"}
    assert all(isinstance(u["UF_DEPARTMENT"], list) for u in users)


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/rest/1/wrong-secret/crm.deal.list", 401, "INVALID_CREDENTIALS"),
        ("/rest/99/demo0webhook0secret/crm.deal.list", 401, "INVALID_CREDENTIALS"),
        ("/rest/1/demo0webhook0secret/crm.nothing.list", 404, "ERROR_METHOD_NOT_FOUND"),
        ("/rest/crm.deal.list", 401, "NO_AUTH_FOUND"),
    ],
)
def test_errors_have_real_codes_and_statuses(demo_portal, path, status, code):
    response = requests.post(demo_portal.base_url + path, json={}, timeout=10)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["error"] == code


def test_oauth_form_takes_the_token_as_auth(demo_portal):
    response = requests.post(
        f"{demo_portal.base_url}/rest/server.time.json",
        json={"auth": demo_portal.secret},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.json()["result"].endswith("+03:00")


def test_the_surprise_close_is_visible_through_the_api(demo_portal):
    """Story 1: 28M deal from March 2023, moved to success on 25 March 2025 by the marketer."""
    body = call(
        demo_portal,
        "crm.deal.list",
        json={
            "filter": {"OPPORTUNITY": 28_000_000, "STAGE_SEMANTIC_ID": "S"},
            "select": ["ID", "ASSIGNED_BY_ID", "MOVED_BY_ID", "MOVED_TIME", "DATE_CREATE"],
        },
    ).json()
    [deal] = body["result"]
    assert deal["DATE_CREATE"].startswith("2023-03-")
    assert deal["MOVED_TIME"] == "2025-03-25T10:17:03+03:00"
    marketer = call(demo_portal, "user.get", json={"FILTER": {"ID": deal["MOVED_BY_ID"]}}).json()
    assert marketer["result"][0]["WORK_POSITION"] == "Маркетолог-аналитик"
    assert deal["ASSIGNED_BY_ID"] != deal["MOVED_BY_ID"]


def test_php_decode_follows_php_array_rules():
    assert php_decode(
        [("filter[>ID]", "5"), ("select[]", "ID"), ("select[]", "TITLE"), ("order[ID]", "ASC")]
    ) == {"filter": {">ID": "5"}, "select": ["ID", "TITLE"], "order": {"ID": "ASC"}}
    assert php_decode([("a[2]", "x")]) == {"a": {"2": "x"}}  # not 0..n-1: stays a map


def test_range_operators_bound_both_ends(demo_portal, portal_db):
    expected = portal_db.execute(
        "select count(*) from deals where OPPORTUNITY >= 1000000 and OPPORTUNITY <= 2000000"
    ).fetchone()[0]
    body = call(
        demo_portal,
        "crm.deal.list",
        json={"filter": {">=OPPORTUNITY": 1_000_000, "<=OPPORTUNITY": 2_000_000}},
    ).json()
    assert body["total"] == expected > 0
    below = call(demo_portal, "crm.deal.list", json={"filter": {"<ID": 10}}).json()
    assert [int(r["ID"]) for r in below["result"]] == [
        r[0] for r in portal_db.execute("select ID from deals where ID < 10 order by ID")
    ]
