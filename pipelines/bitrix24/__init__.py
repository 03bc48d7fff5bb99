"""The dlt source `bitrix24`: one resource per portal entity, every row tagged with portal_id.

Values land in schema `raw` as the portal sends them (strings, dates with the portal's
offset); typing and UTC happen in dbt staging, where they can be tested.
"""

from collections.abc import Iterator
from typing import Any

import dlt
from dlt.sources import DltResource

from pipelines.config import portal_id_from

from .client import Bitrix24Client
from .settings import DECLARED_COLUMNS, RESOURCES, SELECT


@dlt.source(name="bitrix24", max_table_nesting=0)
def bitrix24(
    webhook_url: str = dlt.secrets.value, portal_id: str | None = None
) -> list[DltResource]:
    client = Bitrix24Client(webhook_url)
    portal = portal_id or portal_id_from(webhook_url)
    # Keep the portal's strings as they came: no guessing timestamps on the way in.
    dlt.current.source_schema().remove_type_detection("iso_timestamp")
    return [_resource(client, portal, table, *spec) for table, spec in RESOURCES.items()]


def _resource(
    client: Bitrix24Client, portal: str, table: str, method: str, reading: str, key: str
) -> DltResource:
    def rows() -> Iterator[list[dict[str, Any]]]:
        params = {"select": SELECT[method]} if method in SELECT else {}
        pages = client.scan(method, params) if reading == "keyset" else client.pages(method, params)
        for page in pages:
            yield [{"portal_id": portal, **row} for row in page]

    columns = {
        name: {"data_type": "text", "nullable": name != key}
        for name in DECLARED_COLUMNS.get(table, [])
    }
    return dlt.resource(
        rows, name=table, write_disposition="merge", primary_key=("portal_id", key), columns=columns
    )
