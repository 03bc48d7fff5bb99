"""The portal's clock moves, records change and vanish, and the ground truth keeps score."""

import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
import requests

from pipelines.demo_portal import company
from pipelines.demo_portal.server import DemoPortal


@pytest.fixture
def portal(portal_file, tmp_path):
    """A private copy: advancing it must not change what other tests read."""
    copy = tmp_path / portal_file.name
    shutil.copyfile(portal_file, copy)
    with DemoPortal(copy) as running:
        yield running


def rest(portal, method: str, payload: dict | None = None) -> dict:
    return requests.post(portal.webhook_url + method, json=payload or {}, timeout=30).json()


def demo(portal, route: str, **kwargs) -> dict:
    verb = "post" if route == "advance" else "get"
    response = requests.request(verb, f"{portal.base_url}/_demo/{route}", timeout=60, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def api_ids(portal, method: str, filters: dict | None = None) -> set[int]:
    """Every id the API lists, by keyset pages."""
    ids, last = set(), 0
    while True:
        query = {**(filters or {}), ">ID": last}
        page = rest(
            portal, method, {"order": {"ID": "ASC"}, "filter": query, "select": ["ID"], "start": -1}
        )["result"]
        ids |= {int(r["ID"]) for r in page}
        if len(page) < 50:
            return ids
        last = int(page[-1]["ID"])


def test_the_api_lists_exactly_the_records_the_truth_says_exist(portal):
    for entity, method in (
        ("deals", "crm.deal.list"),
        ("leads", "crm.lead.list"),
        ("activities", "crm.activity.list"),
    ):
        truth = demo(portal, "truth/records", params={"entity": entity})
        assert api_ids(portal, method) == set(truth["existing"])
        assert truth["deleted"], f"story 9: some {entity} were deleted over the years"
        assert not set(truth["existing"]) & {d["ID"] for d in truth["deleted"]}


def test_advancing_the_clock_adds_moves_edits_and_deletes(portal):
    before = demo(portal, "truth/records", params={"entity": "deals"})
    today = rest(portal, "server.time")["result"]
    happened = demo(portal, "advance", json={"days": 7, "seed": 1})
    assert happened["today"] > today
    assert rest(portal, "server.time")["result"] == happened["today"]
    assert happened["deal moves"] > 0 and happened["leads created"] > 0

    after = demo(portal, "truth/records", params={"entity": "deals"})
    new_ids = set(after["existing"]) - set(before["existing"])
    assert len(new_ids) == happened["deals created"] > 0
    assert min(new_ids) > max(before["existing"] + [d["ID"] for d in before["deleted"]])
    gone = {d["ID"] for d in after["deleted"]} - {d["ID"] for d in before["deleted"]}
    assert len(gone) == happened["deals deleted"]
    assert api_ids(portal, "crm.deal.list") == set(after["existing"])

    changed = api_ids(portal, "crm.deal.list", {">DATE_MODIFY": today})
    moved = {
        m["OWNER_ID"]
        for m in demo(portal, "truth/stage_moves")["items"]
        if m["CREATED_TIME"] > today and not m["OWNER_DELETED"]
    }
    assert new_ids | moved <= changed  # an incremental load by DATE_MODIFY sees them all


def test_minutes_pass_too_and_what_happens_falls_inside_them(portal):
    """A schedule every 15 minutes is exercised 15 minutes at a time."""
    today = started = rest(portal, "server.time")["result"]
    moves = []
    for step in range(8):  # two hours
        happened = demo(portal, "advance", json={"minutes": 15, "seed": step})
        moves += [
            m
            for m in demo(portal, "truth/stage_moves")["items"]
            if today < m["CREATED_TIME"] <= happened["today"]
        ]
        today = happened["today"]
    passed = datetime.fromisoformat(today) - datetime.fromisoformat(started)
    assert passed == timedelta(hours=2)
    assert rest(portal, "server.time")["result"] == today
    assert moves, "two hours of a working portal move some deals"
    assert all(m["CREATED_TIME"] <= today for m in moves)


def test_a_deleted_deal_takes_its_stage_history_along(portal):
    demo(portal, "advance", json={"days": 30, "seed": 2})
    deleted = demo(portal, "truth/records", params={"entity": "deals"})["deleted"]
    deal_id = deleted[-1]["ID"]
    history = rest(
        portal, "crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": deal_id}}
    )
    assert history["result"]["items"] == []
    moves = demo(portal, "truth/stage_moves")["items"]
    assert any(m["OWNER_ID"] == deal_id and m["OWNER_DELETED"] for m in moves)


def test_the_truth_knows_who_made_the_surprise_close(portal):
    [deal] = rest(
        portal, "crm.deal.list", {"filter": {"OPPORTUNITY": 28_000_000, "STAGE_SEMANTIC_ID": "S"}}
    )["result"]
    moves = [
        m for m in demo(portal, "truth/stage_moves")["items"] if m["OWNER_ID"] == int(deal["ID"])
    ]
    won = moves[-1]
    assert (won["STAGE_ID"], won["ACTOR_ID"], won["BY_ROBOT"]) == ("WON", 7, True)
    assert won["CREATED_TIME"] == deal["MOVED_TIME"]


def test_advance_from_the_command_line(portal):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.demo_portal.cli",
            "advance",
            "--url",
            portal.webhook_url,
            "--days",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert '"today": "2025-04-18T12:00:00+03:00"' in result.stdout


def test_the_same_seed_gives_the_same_portal(tmp_path):
    def dump(path):
        with sqlite3.connect(path) as db:
            return [
                db.execute(f"select * from {t} order by ID").fetchall()
                for t in ("deals", "activities", "deleted_records")
            ]

    first = company.generate(tmp_path / "a.sqlite", seed=7, scale=0.2)
    second = company.generate(tmp_path / "b.sqlite", seed=7, scale=0.2)
    other = company.generate(tmp_path / "c.sqlite", seed=8, scale=0.2)
    assert dump(first) == dump(second)
    assert dump(first) != dump(other)
