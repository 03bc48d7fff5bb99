"""batch, crm.item.list, stage history, activities, telephony and reference methods."""

from datetime import datetime, timedelta

import requests

from pipelines.demo_portal.batch import substitute
from pipelines.demo_portal.clock import TODAY, to_epoch


def call(portal, method: str, payload: dict | None = None) -> dict:
    return requests.post(portal.webhook_url + method, json=payload or {}, timeout=10).json()


def test_batch_chains_keyset_pages_with_result_references(demo_portal, portal_db):
    page = "crm.deal.list?order%5BID%5D=ASC&select%5B%5D=ID&start=-1&filter%5B%3EID%5D="
    cmd = {"p0": page + "0", "p1": page + "$result[p0][49][ID]", "p2": page + "$result[p1][49][ID]"}
    body = call(demo_portal, "batch", {"halt": 0, "cmd": cmd})["result"]
    ids = [int(row["ID"]) for key in ("p0", "p1", "p2") for row in body["result"][key]]
    first_150 = [r[0] for r in portal_db.execute("select ID from deals order by ID limit 150")]
    assert ids == first_150
    assert body["result_error"] == []  # PHP's empty array
    assert body["result_next"] == []  # start=-1: no next
    assert set(body["result_time"]["p1"]) >= {
        "start",
        "finish",
        "duration",
        "processing",
        "date_start",
        "date_finish",
    }


def test_batch_reference_walk_stops_at_the_first_missing_key(demo_portal):
    """`[LAST_NAME][0]` cannot go into a string: the walk stops there and uses the string."""
    cmd = {
        "u": "user.get?FILTER%5BID%5D=2",
        "again": "user.get?FILTER%5BID%5D=$result[u][0][ID]",
        "partial": "user.get?FILTER%5BLAST_NAME%5D=$result[u][0][LAST_NAME][0]",
    }
    body = call(demo_portal, "batch", {"cmd": cmd})["result"]["result"]
    assert [u["ID"] for u in body["again"]] == ["2"]
    assert [u["ID"] for u in body["partial"]] == ["2"]


def test_reference_substitution_rules():
    collected = {
        "result": {"a": {"items": [{"id": 7}, {"id": 9}]}},
        "error": {},
        "total": {},
        "next": {},
        "time": {},
    }
    items = collected["result"]["a"]["items"]
    assert substitute("$result[a][items][1][id]", collected) == 9
    assert substitute("$result[a][items][49][id]", collected) == items  # the array reached
    assert substitute("id-$result[a][items][0][id]", collected) == "id-7"  # scalar spliced
    assert substitute("x $result[a][items]", collected) == "x $result[a][items]"  # left as is
    assert substitute({"$result[a][items][0][id]": "v"}, collected) == {7: "v"}  # keys too


def test_batch_list_commands_errors_halt_and_limit(demo_portal):
    body = call(demo_portal, "batch", {"cmd": ["scope", "crm.nothing", "scope"]})["result"]
    assert body["result"] == {"0": body["result"]["0"], "2": body["result"]["2"]}  # not 0..n-1
    assert body["result_error"] == {
        "1": {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}
    }
    halted = call(demo_portal, "batch", {"halt": 1, "cmd": ["scope", "crm.nothing", "scope"]})
    assert halted["result"]["result"] == [body["result"]["0"]]  # keyed 0 only: a list
    assert list(halted["result"]["result_error"]) == ["1"]
    too_many = call(demo_portal, "batch", {"cmd": ["scope"] * 51})["result"]
    assert len(too_many["result"]) == 50
    assert too_many["result_error"]["50"]["error"] == "ERROR_BATCH_LENGTH_EXCEEDED"
    nested = call(demo_portal, "batch", {"cmd": {"b": "batch?cmd%5Ba%5D=scope"}})["result"]
    assert nested["result_error"]["b"]["error"] == "ERROR_BATCH_METHOD_NOT_ALLOWED"


def test_crm_item_list_speaks_camel_case_with_native_types(demo_portal, portal_db):
    body = call(
        demo_portal,
        "crm.item.list",
        {
            "entityTypeId": 2,
            "filter": {">opportunity": 20_000_000, "stageId": "WON"},
            "order": {"id": "ASC"},
            "select": ["id", "assignedById", "movedBy", "movedTime", "opportunity"],
        },
    )
    expected = portal_db.execute(
        "select count(*) from deals where OPPORTUNITY > 20000000 and STAGE_ID = 'WON'"
    ).fetchone()[0]
    assert body["total"] == expected > 0
    item = next(i for i in body["result"]["items"] if i["opportunity"] == 28_000_000)
    assert set(item) == {"id", "assignedById", "movedBy", "movedTime", "opportunity"}
    assert isinstance(item["id"], int) and item["movedBy"] == 7
    assert item["movedTime"] == "2025-03-25T10:17:03+03:00"
    upper = call(
        demo_portal,
        "crm.item.list",
        {"entityTypeId": 2, "order": {"ID": "ASC"}, "start": -1, "select": ["id"]},
    )
    assert [i["id"] for i in upper["result"]["items"][:3]] == [1, 2, 3]
    unknown = requests.post(
        demo_portal.webhook_url + "crm.item.list",
        timeout=10,
        json={"entityTypeId": 2, "filter": {"noSuchField": 1}},
    )
    assert unknown.status_code == 400 and unknown.json()["error"] == "INVALID_ARG_VALUE"
    contacts = call(demo_portal, "crm.item.list", {"entityTypeId": 3, "start": -1})
    assert "fm" not in contacts["result"]["items"][0]  # no multi-fields unless asked for


def test_a_deals_legal_entity_is_in_crm_item_list_only(demo_portal, portal_db):
    """As on a real portal: `mycompanyId` comes from crm.item.list; crm.deal.list has no
    MYCOMPANY_ID, so a loader on legacy methods alone cannot split deals by legal entity."""
    items = call(
        demo_portal,
        "crm.item.list",
        {"entityTypeId": 2, "order": {"id": "ASC"}, "select": ["id", "mycompanyId"]},
    )["result"]["items"]
    stored = dict(portal_db.execute("select ID, MYCOMPANY_ID from deals order by ID limit 50"))
    assert {i["id"]: i["mycompanyId"] for i in items} == stored
    my_companies = {
        int(c["ID"])
        for c in call(demo_portal, "crm.company.list", {"filter": {"IS_MY_COMPANY": "Y"}})["result"]
    }
    assert set(stored.values()) == my_companies == {1, 2}  # both legal entities sign deals
    legacy = call(demo_portal, "crm.deal.list", {"select": ["*", "UF_*", "MYCOMPANY_ID"]})
    assert all("MYCOMPANY_ID" not in row for row in legacy["result"])
    assert "MYCOMPANY_ID" not in call(demo_portal, "crm.deal.fields")["result"]


def test_stage_history_has_strings_and_no_actor(demo_portal, portal_db):
    deal_id = portal_db.execute("select ID from deals where OPPORTUNITY = 28000000").fetchone()[0]
    body = call(
        demo_portal,
        "crm.stagehistory.list",
        {"entityTypeId": 2, "filter": {"OWNER_ID": deal_id}, "order": {"ID": "ASC"}},
    )
    items = body["result"]["items"]
    assert [i["STAGE_ID"] for i in items] == [
        "NEW",
        "PREPARATION",
        "UC_MEASURE",
        "UC_ESTIMATE",
        "PREPAYMENT_INVOICE",
        "UC_WAITING",
        "WON",
    ]
    assert [i["TYPE_ID"] for i in items] == ["1", "2", "2", "2", "2", "2", "3"]
    assert items[-1]["CREATED_TIME"] == "2025-03-25T10:17:03+03:00"
    assert not any(key in items[0] for key in ("ACTOR_ID", "BY_ROBOT", "RESPONSIBLE_ID"))
    leads = call(demo_portal, "crm.stagehistory.list", {"entityTypeId": 1, "start": -1})
    assert {"STATUS_ID", "STATUS_SEMANTIC_ID", "OWNER_ID"} <= set(leads["result"]["items"][0])


def test_activities_show_the_overdue_manager_and_the_office_open_line(demo_portal):
    now = datetime.fromtimestamp(to_epoch(TODAY), TODAY.tzinfo).isoformat()
    overdue = call(
        demo_portal,
        "crm.activity.list",
        {
            "filter": {
                "RESPONSIBLE_ID": 4,
                "COMPLETED": "N",
                "PROVIDER_ID": "CRM_TODO",
                "<DEADLINE": now,
            },
            "select": ["ID"],
        },
    )
    assert overdue["total"] >= 99
    sessions = call(
        demo_portal,
        "crm.activity.list",
        {"filter": {"PROVIDER_ID": "IMOPENLINES_SESSION"}, "select": ["RESPONSIBLE_ID"]},
    )
    assert sessions["total"] >= 300
    assert {row["RESPONSIBLE_ID"] for row in sessions["result"]} == {"8"}


def test_missed_incoming_calls_in_telephony_statistics(demo_portal, portal_db):
    missed = call(
        demo_portal,
        "voximplant.statistic.get",
        {"FILTER": {"CALL_FAILED_CODE": "304", "CALL_TYPE": 2}},
    )
    expected = portal_db.execute(
        "select count(*) from calls where CALL_FAILED_CODE = '304'"
    ).fetchone()[0]
    assert missed["total"] == expected > 0
    assert missed["result"][0]["CRM_ENTITY_TYPE"] in ("LEAD", "CONTACT")
    newest_first = call(
        demo_portal, "voximplant.statistic.get", {"SORT": "CALL_START_DATE", "ORDER": "DESC"}
    )["result"]
    starts = [datetime.fromisoformat(c["CALL_START_DATE"]) for c in newest_first]
    assert starts == sorted(starts, reverse=True)


def test_forgotten_deals_have_no_touch_for_two_weeks(demo_portal, portal_db):
    """Story 3, through the API alone: open deals with no activity for 14+ days."""
    since = (TODAY - timedelta(days=14)).isoformat()
    open_deals = [
        int(r["ID"])
        for page in _pages(
            demo_portal,
            "crm.deal.list",
            {"filter": {"STAGE_SEMANTIC_ID": "P", "<MOVED_TIME": since}, "select": ["ID"]},
        )
        for r in page
    ]
    touched = {
        int(r["OWNER_ID"])
        for page in _pages(
            demo_portal,
            "crm.activity.list",
            {"filter": {"OWNER_TYPE_ID": 2, ">=CREATED": since}, "select": ["OWNER_ID"]},
        )
        for r in page
    }
    touched |= {
        int(r["OWNER_ID"])
        for page in _pages(
            demo_portal,
            "crm.activity.list",
            {
                "filter": {"OWNER_TYPE_ID": 2, "COMPLETED": "Y", ">=LAST_UPDATED": since},
                "select": ["OWNER_ID"],
            },
        )
        for r in page
    }
    assert len(set(open_deals) - touched) == 12


def _pages(portal, method: str, payload: dict):
    start = 0
    while start is not None:
        body = call(portal, method, {**payload, "start": start})
        yield body["result"]
        start = body.get("next")


def test_reference_methods(demo_portal):
    categories = call(demo_portal, "crm.category.list", {"entityTypeId": 2})["result"]
    assert {c["name"] for c in categories["categories"]} == {"Альтера услуги", "Эталон", "Сервис"}
    legacy = call(demo_portal, "crm.dealcategory.list")["result"]
    assert [c["NAME"] for c in legacy] == ["Эталон", "Сервис"]  # the default funnel is not listed
    stages = call(demo_portal, "crm.dealcategory.stage.list", {"id": 1})["result"]
    assert stages[0]["STATUS_ID"] == "C1:NEW"
    departments = call(demo_portal, "department.get", {"PARENT": 1})["result"]
    assert {d["NAME"] for d in departments} >= {"Отдел продаж", "Маркетинг"}
    assert isinstance(departments[0]["SORT"], int)
    fields = call(demo_portal, "crm.deal.userfield.list")
    enum = next(f for f in fields["result"] if f["USER_TYPE_ID"] == "enumeration")
    assert [v["VALUE"] for v in enum["LIST"]][:2] == ["бассейн", "баня"]
    lead_statuses = call(demo_portal, "crm.status.list", {"filter": {"ENTITY_ID": "STATUS"}})
    assert {s["STATUS_ID"]: s["SEMANTICS"] for s in lead_statuses["result"]}["CONVERTED"] == "S"
    contact = call(demo_portal, "crm.contact.list", {"select": ["ID", "PHONE"], "start": -1})
    assert contact["result"][0]["PHONE"][0]["VALUE"].startswith("+7")
    assert "PHONE" not in call(demo_portal, "crm.contact.list", {"start": -1})["result"][0]


def test_the_remaining_stories_through_the_api(demo_portal):
    """Stories 2, 4, 5 and 6 of demo-company.md, found with plain REST calls."""
    # 2. The bottleneck: over a hundred open deals in «Ожидание», one moved back into it.
    waiting = call(
        demo_portal, "crm.deal.list", {"filter": {"STAGE_ID": "UC_WAITING"}, "select": ["ID"]}
    )
    assert waiting["total"] > 100
    back = call(demo_portal, "crm.deal.list", {"filter": {"%TITLE": "Истра"}})["result"][0]
    stages = [
        i["STAGE_ID"]
        for i in call(
            demo_portal,
            "crm.stagehistory.list",
            {"entityTypeId": 2, "filter": {"OWNER_ID": back["ID"]}},
        )["result"]["items"]
    ]
    assert stages[-2:] == ["FINAL_INVOICE", "UC_WAITING"]
    # 4. The long loser: created 30.01.2024, 6,500,000, lost as «Дорого» on 01.04.2025.
    [loser] = call(
        demo_portal, "crm.deal.list", {"filter": {"OPPORTUNITY": 6_500_000, "STAGE_ID": "LOSE"}}
    )["result"]
    assert loser["DATE_CREATE"].startswith("2024-01-30")
    assert loser["MOVED_TIME"].startswith("2025-04-01")
    # 5. The dismissed manager: his history stays, his open deals went to colleagues.
    dismissed = call(demo_portal, "user.get", {"FILTER": {"ACTIVE": False}})["result"]
    for user in dismissed:
        mine = {"ASSIGNED_BY_ID": user["ID"]}
        assert call(demo_portal, "crm.deal.list", {"filter": mine})["total"] > 0
        still_open = call(
            demo_portal, "crm.deal.list", {"filter": {**mine, "STAGE_SEMANTIC_ID": "P"}}
        )["total"]
        assert still_open == 0
        calls = call(
            demo_portal, "voximplant.statistic.get", {"FILTER": {"PORTAL_USER_ID": user["ID"]}}
        )["total"]
        assert calls > 0
    # 6. Yandex leads with UTM tags became won deals; hand-made deals have no lead or source.
    yandex_won = call(
        demo_portal,
        "crm.deal.list",
        {"filter": {"UTM_SOURCE": "yandex", "STAGE_SEMANTIC_ID": "S", "!LEAD_ID": ""}},
    )
    assert yandex_won["total"] > 0
    hand_made = call(demo_portal, "crm.deal.list", {"filter": {"LEAD_ID": "", "SOURCE_ID": ""}})
    assert hand_made["total"] > 0
