"""The client stays inside a real portal's limits: paced under the rate limit, and waiting
out the operating-time limit until the moment the portal names."""

from pipelines.bitrix24.client import Bitrix24Client


def test_paced_requests_never_overflow_the_portals_bucket(start_portal):
    portal = start_portal(rate_limit="standard")
    client = Bitrix24Client(portal.webhook_url, plan="standard")
    for _ in range(60):
        client.call("scope")
    assert portal.bucket.rejected == 0
    assert client.pacer.waited > 0  # it had to slow down past the burst


def test_unpaced_requests_do_overflow_it(start_portal):
    portal = start_portal(rate_limit="standard")
    client = Bitrix24Client(portal.webhook_url, plan=None, max_attempts=1)
    for _ in range(60):
        client._http.post(client.base + "scope", json={})
    assert portal.bucket.rejected > 0


def test_the_operating_limit_is_waited_out_not_failed(start_portal, portal_db):
    # ten one-second buckets: the limit lifts within about ten seconds
    portal = start_portal(cost_scale=1, operating_limit=0.15, operating_bucket_seconds=1)
    client = Bitrix24Client(portal.webhook_url, plan=None)
    totals = [client.call("crm.deal.list", {"select": ["ID"]})["total"] for _ in range(4)]
    assert totals == [portal_db.execute("select count(*) from deals").fetchone()[0]] * 4
    assert client.operating_waited > 0


def test_a_scan_that_runs_out_of_operating_time_mid_batch_waits_and_goes_on(
    start_portal, portal_db
):
    """Inside a batch the limit comes back per command, not as a 429: the pages before the
    refused one are kept, and the scan resumes after the last row once the limit lifts."""
    # a batch of 50 keyset pages costs ~2.3 s; 1 s is allowed per ten one-second buckets
    portal = start_portal(cost_scale=1, operating_limit=1.0, operating_bucket_seconds=1)
    client = Bitrix24Client(portal.webhook_url, plan=None)
    ids = [
        int(row["ID"]) for page in client.scan("crm.deal.list", {"select": ["ID"]}) for row in page
    ]
    assert ids == [r[0] for r in portal_db.execute("select ID from deals order by ID")]
    assert client.operating_waited > 0 and client.retries["crm.deal.list"] > 0
    assert portal.operating.blocked_seconds() > 0
