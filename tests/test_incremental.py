"""Incremental loads: after a day on the portal, a run reads only what changed, and the
warehouse agrees with the portal on every live record."""

import duckdb
import pytest
import requests

from pipelines import config
from pipelines.bitrix24.load import run

COMPARED = "ID, STAGE_ID, OPPORTUNITY, DATE_MODIFY, MOVED_BY_ID"


@pytest.fixture
def portal_and_warehouse(start_portal, load_from):
    return load_from(start_portal())


def _warehouse_deals() -> dict[str, tuple]:
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        rows = db.execute(f"select {COMPARED.lower()} from raw.deals").fetchall()
    return {row[0]: row for row in rows}


def _portal_deals(portal) -> dict[str, tuple]:
    deals, last = {}, 0
    while True:
        page = requests.post(
            portal.webhook_url + "crm.deal.list",
            timeout=30,
            json={
                "select": COMPARED.split(", "),
                "order": {"ID": "ASC"},
                "filter": {">ID": last},
                "start": -1,
            },
        ).json()["result"]
        deals.update({r["ID"]: tuple(r[c] for c in COMPARED.split(", ")) for r in page})
        if len(page) < 50:
            return deals
        last = int(page[-1]["ID"])


def test_a_day_later_only_changes_are_read_and_nothing_is_stale(portal_and_warehouse):
    portal = portal_and_warehouse
    run(progress=None)
    first_requests = portal.requests_served

    run(progress=None)
    idle = portal.requests_served - first_requests
    assert idle <= 20, f"a run with nothing new made {idle} requests"

    happened = requests.post(
        f"{portal.base_url}/_demo/advance", json={"days": 1, "seed": 9}, timeout=60
    ).json()
    assert happened["deal moves"] + happened["deals created"] > 0
    before = portal.requests_served
    run(progress=None)
    assert portal.requests_served - before <= 25

    live = _portal_deals(portal)
    loaded = _warehouse_deals()
    assert {i: loaded[i] for i in live} == live  # every live deal, with today's values
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        history = db.execute(
            "select count(*), count(distinct id) from raw.deal_stage_history"
        ).fetchone()
    truth = requests.get(
        f"{portal.base_url}/_demo/truth/records",
        timeout=30,
        params={"entity": "deal_stage_history"},
    ).json()
    assert history[0] == history[1]  # no move twice
    assert history[0] >= len(truth["existing"])  # every move, and deleted deals' moves kept


def test_a_delete_scan_notes_exactly_the_records_deleted_since_they_were_loaded(
    portal_and_warehouse,
):
    portal = portal_and_warehouse
    truth = f"{portal.base_url}/_demo/truth/records"

    def deleted(entity: str) -> set[int]:
        body = requests.get(truth, params={"entity": entity}, timeout=30).json()
        return {d["ID"] for d in body["deleted"]}

    run(progress=None)
    before = {e: deleted(e) for e in ("deals", "leads", "activities")}
    requests.post(f"{portal.base_url}/_demo/advance", json={"days": 10, "seed": 4}, timeout=60)
    run(progress=None, scan_deletes=True)
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        for entity, earlier in before.items():
            noticed = {
                r[0]
                for r in db.execute(
                    "select cast(id as bigint) from raw.deletions where entity = ?", [entity]
                ).fetchall()
            }
            assert noticed == deleted(entity) - earlier
            still_there = db.execute(
                f"select count(*) from raw.{entity} where cast(id as bigint) in (select unnest(?))",
                [sorted(noticed)],
            ).fetchone()[0]
            assert still_there == len(noticed)  # soft delete: the rows stay
        assert sum(len(deleted(e) - before[e]) for e in before) > 0


def test_every_observed_mover_is_the_true_one(portal_and_warehouse):
    """Stage history has no actor; the extractor keeps each deal's (MOVED_BY_ID, MOVED_TIME)
    every time it sees the deal. Each such observation agrees with who really moved it."""
    portal = portal_and_warehouse
    run(progress=None)
    requests.post(f"{portal.base_url}/_demo/advance", json={"days": 3, "seed": 21}, timeout=60)
    run(progress=None)
    moves = requests.get(f"{portal.base_url}/_demo/truth/stage_moves", timeout=60).json()
    actor = {(m["OWNER_ID"], m["CREATED_TIME"]): m["ACTOR_ID"] for m in moves["items"]}
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        observed = db.execute(
            "select cast(id as bigint), moved_time, cast(moved_by_id as bigint)"
            " from raw.deal_moves_observed"
        ).fetchall()
        twice = db.execute(
            "select count(*) from (select id from raw.deal_moves_observed "
            "group by id having count(*) > 1)"
        ).fetchone()[0]
    assert observed and all(actor[(deal, at)] == mover for deal, at, mover in observed)
    assert twice > 0  # deals that moved since the first load were seen before and after
    robots = {(m["OWNER_ID"], m["CREATED_TIME"]) for m in moves["items"] if m["BY_ROBOT"]}
    assert any((deal, at) in robots for deal, at, _ in observed)  # robot moves are observed too
