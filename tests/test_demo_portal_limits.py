"""Rate limit, server cost, operating-time limit and injected faults, as a real portal has them."""

import time

import pytest
import requests

from pipelines.demo_portal import limits
from pipelines.demo_portal.faults import Faults


def post(portal, method: str, payload: dict | None = None, **kwargs) -> requests.Response:
    return requests.post(portal.webhook_url + method, json=payload or {}, timeout=30, **kwargs)


def test_standard_plan_blocks_past_fifty_queued_requests(start_portal):
    portal = start_portal(rate_limit="standard")
    statuses = [post(portal, "scope").status_code for _ in range(60)]
    assert statuses[:50] == [200] * 50  # the burst allowance
    blocked = [s for s in statuses[50:] if s != 200]
    assert blocked and set(blocked) == {503}
    assert post(portal, "scope").json()["error"] == "QUERY_LIMIT_EXCEEDED"
    time.sleep(1.1)  # drains 2 requests a second
    assert post(portal, "scope").status_code == 200


def test_enterprise_plan_allows_a_larger_burst(start_portal):
    portal = start_portal(rate_limit="enterprise")
    assert all(post(portal, "scope").status_code == 200 for _ in range(120))


def test_processing_time_follows_the_cost_of_counting_and_offsets(start_portal, portal_db):
    portal = start_portal(cost_scale=1)
    deals = portal_db.execute("select count(*) from deals").fetchone()[0]
    keyset = post(
        portal,
        "crm.deal.list",
        {"filter": {">ID": 0}, "order": {"ID": "ASC"}, "select": ["ID"], "start": -1},
    ).json()
    offset = post(portal, "crm.deal.list", {"select": ["ID"], "start": 2000}).json()
    assert keyset["time"]["processing"] == pytest.approx(limits.list_cost(50, 0, None), rel=1e-6)
    assert offset["time"]["processing"] == pytest.approx(
        limits.list_cost(50, 2000, deals), rel=1e-6
    )
    assert offset["time"]["processing"] > 2 * keyset["time"]["processing"]
    assert offset["time"]["duration"] >= offset["time"]["processing"]  # really spent


def test_the_operating_limit_blocks_a_method_with_429_until_reset(start_portal):
    portal = start_portal(cost_scale=1, operating_limit=0.15, report_operating=True)
    first = post(portal, "crm.deal.list", {"select": ["ID"]})  # counts total: ~0.07 s
    assert first.status_code == 200 and first.json()["time"]["operating"] > 0
    answers = [post(portal, "crm.deal.list", {"select": ["ID"]}) for _ in range(3)]
    blocked = answers[-1]
    assert blocked.status_code == 429
    assert blocked.json()["error"] == "OPERATION_TIME_LIMIT"
    assert blocked.json()["time"]["operating_reset_at"] > time.time()
    assert post(portal, "crm.lead.list", {"select": ["ID"]}).status_code == 200  # per method
    inner = post(portal, "batch", {"cmd": {"a": "crm.deal.list?select[]=ID"}}).json()
    assert inner["result"]["result_error"]["a"]["error"] == "OPERATION_TIME_LIMIT"


def test_blocked_time_runs_from_the_first_refusal_until_a_call_is_let_through():
    budget = limits.OperatingBudget(limit_seconds=1.0, bucket_seconds=1)
    budget.check("crm.deal.list")
    assert budget.blocked_seconds() == 0
    budget.spend("crm.deal.list", 1.5)
    with pytest.raises(limits.ApiError):
        budget.check("crm.deal.list")
    time.sleep(0.3)
    assert 0.3 <= budget.blocked_seconds() < 1  # still refused: counted up to now
    deadline = time.monotonic() + 15
    while True:  # ten one-second buckets: let through once the spent one leaves the window
        try:
            budget.check("crm.deal.list")
            break
        except limits.ApiError:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    blocked = budget.blocked_seconds()
    assert 8 <= blocked <= 12
    time.sleep(0.2)
    assert budget.blocked_seconds() == blocked  # let through: the clock stopped


@pytest.mark.parametrize(
    ("spec", "status", "content_type"),
    [
        ("html=1", 500, "text/html; charset=utf-8"),
        ("5xx=1", None, "application/json; charset=utf-8"),
    ],
)
def test_error_faults(start_portal, spec, status, content_type):
    portal = start_portal(faults=spec)
    answers = [post(portal, "scope") for _ in range(10)]
    assert all(a.headers["Content-Type"] == content_type for a in answers)
    if status:
        assert {a.status_code for a in answers} == {status}
    else:
        assert {a.status_code for a in answers} == {500, 503}
        assert {a.json()["error"] for a in answers} == {
            "INTERNAL_SERVER_ERROR",
            "QUERY_LIMIT_EXCEEDED",
        }


def test_dropped_connections_slow_answers_and_a_portal_move(start_portal):
    with pytest.raises(requests.ConnectionError):
        post(start_portal(faults="drop=1"), "scope")
    slow = start_portal(faults="slow=1,slow_seconds=0.3")
    began = time.monotonic()
    assert post(slow, "scope").status_code == 200
    assert time.monotonic() - began >= 0.3
    moved = post(start_portal(faults="move=1"), "scope", allow_redirects=False)
    assert moved.status_code == 302
    assert moved.headers["Location"].startswith("http://localhost:")


def test_fault_specs_are_checked():
    assert Faults.parse("5xx=0.1,edits=0.2").share == {"5xx": 0.1, "edits": 0.2}
    with pytest.raises(ValueError, match="unknown fault 'boom'"):
        Faults.parse("boom=0.1")
    with pytest.raises(ValueError, match="needs a number"):
        Faults.parse("drop=lots")


def _scan(portal, keyset: bool) -> list[int]:
    seen, last, start_at = [], 0, 0
    while True:
        if keyset:
            body = post(
                portal,
                "crm.deal.list",
                {"order": {"ID": "ASC"}, "filter": {">ID": last}, "select": ["ID"], "start": -1},
            ).json()
        else:
            body = post(
                portal,
                "crm.deal.list",
                {"order": {"ID": "ASC"}, "select": ["ID"], "start": start_at},
            ).json()
        page = [int(r["ID"]) for r in body["result"]]
        seen += page
        if keyset:
            if len(page) < 50:
                return seen
            last = page[-1]
        else:
            start_at = body.get("next")
            if start_at is None:
                return seen


def _truth(portal) -> set[int]:
    return set(
        requests.get(
            f"{portal.base_url}/_demo/truth/records", timeout=30, params={"entity": "deals"}
        ).json()["existing"]
    )


@pytest.mark.parametrize("keyset", [True, False], ids=["keyset", "offset"])
def test_edits_while_paging(start_portal, keyset):
    """Rows present from start to end: keyset pages see each once; offset pages lose some."""
    portal = start_portal(faults="edits=0.5", seed=3)
    before = _truth(portal)
    seen = _scan(portal, keyset)
    survivors = before & _truth(portal)
    missing = survivors - set(seen)
    if keyset:
        assert missing == set() and len(seen) == len(set(seen))
    else:
        assert missing, "deletes under offset paging shift rows past the reader"


def test_a_webhook_without_a_scope_gets_insufficient_scope(start_portal):
    portal = start_portal(scopes=["crm"])
    denied = post(portal, "user.get")
    assert denied.status_code == 401 and denied.json()["error"] == "insufficient_scope"
    assert post(portal, "crm.deal.list", {"start": -1}).status_code == 200
    assert post(portal, "scope").json()["result"] == ["crm"]
    inner = post(portal, "batch", {"cmd": {"u": "user.get"}}).json()["result"]
    assert inner["result_error"]["u"]["error"] == "insufficient_scope"


def test_oauth_access_tokens_expire(start_portal):
    portal = start_portal()
    issued = requests.post(
        f"{portal.base_url}/_demo/oauth/token", json={"expires_in": 0.5}, timeout=10
    ).json()
    oauth = f"{portal.base_url}/rest/crm.deal.list.json"
    fresh = requests.post(oauth, json={"auth": issued["access_token"], "start": -1}, timeout=10)
    assert fresh.status_code == 200
    time.sleep(0.6)
    expired = requests.post(oauth, json={"auth": issued["access_token"]}, timeout=10)
    assert expired.status_code == 401 and expired.json()["error"] == "expired_token"
    unknown = requests.post(oauth, json={"auth": "not-a-token"}, timeout=10)
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_token"
