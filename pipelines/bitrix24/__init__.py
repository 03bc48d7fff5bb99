"""The dlt source `bitrix24`: one resource per portal entity, every row tagged with portal_id.

Values land in schema `raw` as the portal sends them (strings, dates with the portal's
offset); typing and UTC happen in dbt staging, where they can be tested.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import dlt
from dlt.sources import DltResource

from pipelines.config import portal_id_from

from .client import Bitrix24Client, Bitrix24Error
from .settings import DECLARED_COLUMNS, ENTITIES, MODIFIED_OVERLAP, Entity


@dlt.source(name="bitrix24", max_table_nesting=0)
def bitrix24(
    webhook_url: str = dlt.secrets.value, portal_id: str | None = None
) -> list[DltResource]:
    client = Bitrix24Client(webhook_url)
    portal = portal_id or portal_id_from(webhook_url)
    # Keep the portal's strings as they came: no guessing timestamps on the way in.
    dlt.current.source_schema().remove_type_detection("iso_timestamp")
    return [_resource(client, portal, table, entity) for table, entity in ENTITIES.items()]


def _pages(
    client: Bitrix24Client, entity: Entity, state: dict[str, Any]
) -> Iterator[list[dict[str, Any]]]:
    if entity.reading == "pages":
        return client.pages(entity.method, entity.params, wrapper=entity.wrapper)
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
    )


def _resource(client: Bitrix24Client, portal: str, table: str, entity: Entity) -> DltResource:
    def rows() -> Iterator[list[dict[str, Any]]]:
        # Cursors live in dlt's state, which commits together with the load: a failed run
        # leaves them where they were, and the next run reads the same window again.
        # History only grows, so it continues after the last id; records that change are
        # read again when modified since the previous run began (on the portal's clock).
        state = dlt.current.resource_state()
        try:
            began = client.portal_time() if entity.modified else None
            for page in _pages(client, entity, state):
                yield [{"portal_id": portal, **row} for row in page]
                if entity.history:
                    state["last_id"] = int(page[-1][entity.key])
        except Bitrix24Error as err:
            raise Bitrix24Error(f"{table}: {err}") from None  # say which entity failed
        if began:
            state["modified_since"] = began

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
