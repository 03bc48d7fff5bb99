"""The dlt source `bitrix24`: one resource per portal entity, every row tagged with portal_id.

Values land in schema `raw` as the portal sends them (strings, dates with the portal's
offset); typing and UTC happen in dbt staging, where they can be tested.
"""

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache
from typing import Any

import dlt
from dlt.common.destination.exceptions import DestinationUndefinedEntity
from dlt.sources import DltResource

from pipelines.config import portal_id_from, portal_plan

from .audit import RunLedger
from .client import Bitrix24Client, Bitrix24Error
from .oauth import OAuthApp
from .settings import (
    CENSUS_FIELDS,
    COUNTED,
    DECLARED_COLUMNS,
    DELETABLE,
    ENTITIES,
    MODIFIED_OVERLAP,
    Entity,
)


@dlt.source(name="bitrix24", max_table_nesting=0)
def bitrix24(
    webhook_url: str = dlt.secrets.value,
    portal_id: str | None = None,
    scan_deletes: bool = False,
    oauth: OAuthApp | None = None,
) -> list[DltResource]:
    """Every entity of one portal, and an audit line for each. With `scan_deletes` a run is
    also a census: it notices what the portal deleted, counts every list (`total`) and sums
    deal amounts per stage semantic, for the warehouse to be reconciled against. With
    `oauth`, `webhook_url` is the app's REST endpoint and calls carry its access token."""
    client = Bitrix24Client(webhook_url, plan=portal_plan(), oauth=oauth)
    portal = portal_id or portal_id_from(webhook_url)
    # Keep the portal's strings as they came: no guessing timestamps on the way in.
    dlt.current.source_schema().remove_type_detection("iso_timestamp")
    ledger = RunLedger(portal)
    totals = cache(lambda: client.totals(COUNTED, tally="census")) if scan_deletes else None
    resources = []
    for table, entity in ENTITIES.items():
        resources.append(_resource(client, ledger, table, entity, totals))
        if entity.moves_table:
            resources.append(_observed_moves(client, resources[-1], entity.moves_table))
    if scan_deletes:
        resources.append(_deletions(client, ledger))
    return resources + ledger.resources(client)  # last: they write what the others noted


def _observed_moves(client: Bitrix24Client, records: DltResource, table: str) -> DltResource:
    """Who made each record's last stage move, as seen on this run: a portal keeps no actor in
    stage history, so every (mover, time) observed is kept, one row per distinct move."""

    def observe(page: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        observed_at = client.portal_time()
        yield [
            {
                "portal_id": row["portal_id"],
                "ID": row["ID"],
                "STAGE_ID": row.get("STAGE_ID") or row.get("STATUS_ID"),
                "MOVED_BY_ID": row.get("MOVED_BY_ID"),
                "MOVED_TIME": row["MOVED_TIME"],
                "observed_at": observed_at,
            }
            for row in page
            if row.get("MOVED_TIME")
        ]

    return dlt.transformer(
        observe,
        data_from=records,
        name=table,
        write_disposition="merge",
        primary_key=("portal_id", "ID", "MOVED_TIME"),
    )


def _deletions(client: Bitrix24Client, ledger: RunLedger) -> DltResource:
    """Records the warehouse holds that the portal no longer lists (a portal keeps no
    tombstones). Found by ID-only keyset scans; noted once, with the portal time noticed.
    Raw rows stay: deleted is a flag in staging, never a missing row. The deal scan also
    reads stage semantic, amount and currency for the ledger's deal census."""

    def rows() -> Iterator[list[dict[str, Any]]]:
        noticed = client.portal_time()
        for table in DELETABLE:
            entity = ENTITIES[table]
            known = _loaded_ids(table) - _noticed_ids(table)
            deals = table == "deals"
            if not known and not deals:
                continue
            select = [entity.key, *(CENSUS_FIELDS if deals else [])]
            live = set()
            try:
                for page in client.scan(entity.method, {"select": select}, tally="census"):
                    live.update(int(r[entity.key]) for r in page)
                    if deals:
                        ledger.count_deals(page, counted_at=noticed)
            except Bitrix24Error as err:
                raise Bitrix24Error(f"deletions of {table}: {err}") from None
            gone = sorted(known - live)
            if gone:
                yield [
                    {
                        "portal_id": ledger.portal,
                        "entity": table,
                        "ID": str(record_id),
                        "noticed_at": noticed,
                    }
                    for record_id in gone
                ]

    return dlt.resource(
        rows, name="deletions", write_disposition="merge", primary_key=("portal_id", "entity", "ID")
    )


def _loaded_ids(table: str) -> set[int]:
    return _query_ids(f"select cast(id as bigint) from {{}}.{table}")


def _noticed_ids(table: str) -> set[int]:
    return _query_ids(f"select cast(id as bigint) from {{}}.deletions where entity = '{table}'")


def _query_ids(sql: str) -> set[int]:
    """Ids already in the warehouse (empty before the first load creates the table)."""
    pipeline = dlt.current.pipeline()
    try:
        with pipeline.sql_client() as client:
            return {
                row[0]
                for row in client.execute_sql(sql.format(client.fully_qualified_dataset_name()))
            }
    except DestinationUndefinedEntity:  # no table yet: nothing loaded, nothing to compare
        return set()


def _read_from(entity: Entity, state: dict[str, Any]) -> str:
    """How much of the list this run reads, in words, for the audit."""
    if entity.history and state.get("last_id"):
        return f"after id {state['last_id']}"
    if entity.modified and state.get("modified_since"):
        return f"modified since {state['modified_since']} less {MODIFIED_OVERLAP}"
    return "all"


def _pages(
    client: Bitrix24Client, entity: Entity, state: dict[str, Any], tally: str
) -> Iterator[list[dict[str, Any]]]:
    if entity.reading == "pages":
        return client.pages(entity.method, entity.params, wrapper=entity.wrapper, tally=tally)
    params = entity.params
    if entity.modified and state.get("modified_since"):
        since = datetime.fromisoformat(state["modified_since"]) - MODIFIED_OVERLAP
        params = {**params, "filter": {f">={entity.modified}": since.isoformat()}}
    return client.scan(
        entity.method,
        params,
        id_field=entity.key,
        wrapper=entity.wrapper,
        start_after=state.get("last_id", 0) if entity.history else 0,
        sort_strings=entity.sort_strings,
        tally=tally,
    )


def _resource(
    client: Bitrix24Client,
    ledger: RunLedger,
    table: str,
    entity: Entity,
    totals: Callable[[], dict[str, int]] | None,
) -> DltResource:
    def rows() -> Iterator[list[dict[str, Any]]]:
        # Cursors live in dlt's state, which commits together with the load: a failed run
        # leaves them where they were, and the next run reads the same window again.
        # History only grows, so it continues after the last id; records that change are
        # read again when modified since the previous run began (on the portal's clock).
        state = dlt.current.resource_state()
        started, received = time.monotonic(), 0
        try:
            began = client.portal_time()
            api_total = totals().get(table) if totals else None
            read = _read_from(entity, state)
            for page in _pages(client, entity, state, tally=table):
                received += len(page)
                yield [{"portal_id": ledger.portal, **row} for row in page]
                if entity.history:
                    state["last_id"] = int(page[-1][entity.key])
        except Bitrix24Error as err:
            raise Bitrix24Error(f"{table}: {err}") from None  # say which entity failed
        if entity.modified:
            state["modified_since"] = began
        ledger.note(
            table,
            run_began=began,
            read=read,
            api_total=api_total,
            rows_received=received,
            requests=client.requests[table],
            retries=client.retries[table],
            seconds=round(time.monotonic() - started, 3),
        )

    columns = {
        name: {"data_type": "text", "nullable": name != entity.key}
        for name in DECLARED_COLUMNS.get(table, [])
    }
    return dlt.resource(
        rows,
        name=table,
        write_disposition="merge",
        primary_key=("portal_id", entity.key),
        columns=columns,
    )
