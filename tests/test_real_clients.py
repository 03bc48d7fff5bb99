"""Real, unmodified Bitrix24 clients read the demo portal and get exactly what it holds.

fast-bitrix24 (offset pages fanned out in batches) and the official b24pysdk (`as_list`, and
`as_list_fast` with `$result[...]` chained keyset batches, over https).
"""

import logging
import sqlite3

import pytest
from b24pysdk import BitrixWebhook, Client
from fast_bitrix24 import Bitrix

from pipelines.demo_portal.server import DemoPortal


def ids(portal_db: sqlite3.Connection, table: str) -> list[int]:
    return [row[0] for row in portal_db.execute(f"select ID from {table} order by ID")]


@pytest.fixture(scope="module")
def tls_portal(portal_file):
    with DemoPortal(portal_file, tls=True) as portal:
        yield portal


@pytest.fixture(scope="module")
def sdk(tls_portal, monkeypatch_module):
    monkeypatch_module.setenv("REQUESTS_CA_BUNDLE", str(tls_portal.certificate))
    return Client(BitrixWebhook(domain=tls_portal.domain, webhook_token=f"1/{tls_portal.secret}"))


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def fast(demo_portal):
    logging.getLogger("fast_bitrix24").setLevel(logging.WARNING)
    return Bitrix(demo_portal.webhook_url, verbose=False)


@pytest.mark.parametrize(
    ("method", "table"),
    [
        ("crm.deal.list", "deals"),
        ("crm.lead.list", "leads"),
        ("crm.activity.list", "activities"),
    ],
)
def test_fast_bitrix24_get_all_returns_every_record_once(fast, portal_db, method, table):
    rows = fast.get_all(method, {"select": ["ID"]})
    assert sorted(int(r["ID"]) for r in rows) == ids(portal_db, table)


def test_fast_bitrix24_call_sends_batches(fast, portal_db):
    wanted = ids(portal_db, "deals")[:120]  # more than one batch of 50
    deals = fast.call("crm.deal.get", [{"id": deal_id} for deal_id in wanted])
    # Batches run in parallel and the client joins them as they finish: compare as sets.
    assert sorted(int(d["ID"]) for d in deals) == wanted


def test_b24pysdk_as_list_over_https(sdk, portal_db):
    rows = sdk.crm.deal.list(select=["ID", "OPPORTUNITY"]).as_list().result
    truth = dict(portal_db.execute("select ID, OPPORTUNITY from deals"))
    assert {int(r["ID"]): float(r["OPPORTUNITY"]) for r in rows} == truth
    assert len(rows) == len(truth)


@pytest.mark.parametrize(("entity", "table"), [("lead", "leads"), ("deal", "deals")])
def test_b24pysdk_as_list_fast_chains_keyset_batches(sdk, portal_db, entity, table):
    rows = list(getattr(sdk.crm, entity).list(select=["ID"]).as_list_fast().result)
    assert sorted(int(r["ID"]) for r in rows) == ids(portal_db, table)


def test_b24pysdk_fast_list_on_crm_item(sdk, portal_db):
    rows = list(sdk.crm.item.list(entity_type_id=2, select=["id"]).as_list_fast().result)
    assert sorted(r["id"] for r in rows) == ids(portal_db, "deals")
