"""The dlt source `bitrix24`: one resource per portal entity, every row tagged with portal_id.

Values land in schema `raw` as the portal sends them (strings, dates with the portal's
offset); typing and UTC happen in dbt staging, where they can be tested.
"""

from collections.abc import Iterator
from typing import Any

import dlt
from dlt.sources import DltResource

from pipelines.config import portal_id_from

from .client import Bitrix24Client, Bitrix24Error
from .settings import DECLARED_COLUMNS, ENTITIES, Entity


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
    client: Bitrix24Client, entity: Entity, start_after: int
) -> Iterator[list[dict[str, Any]]]:
    if entity.reading == "pages":
        return client.pages(entity.method, entity.params, wrapper=entity.wrapper)
    return client.scan(
        entity.method,
        entity.params,
        id_field=entity.key,
        wrapper=entity.wrapper,
        start_after=start_after,
        sort_strings=entity.sort_strings,
    )


def _resource(client: Bitrix24Client, portal: str, table: str, entity: Entity) -> DltResource:
    def rows() -> Iterator[list[dict[str, Any]]]:
        # History only grows: continue after the last id loaded (kept in dlt's state, which
        # commits with the load, so a failed run starts again from the same place).
        state = dlt.current.resource_state() if entity.history else {}
        try:
            for page in _pages(client, entity, state.get("last_id", 0)):
                yield [{"portal_id": portal, **row} for row in page]
                if entity.history:
                    state["last_id"] = int(page[-1][entity.key])
        except Bitrix24Error as err:
            raise Bitrix24Error(f"{table}: {err}") from None  # say which entity failed

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
