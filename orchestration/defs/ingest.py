"""Raw tables as assets, one per dlt resource, keyed exactly as dbt's sources name them."""

from collections.abc import Iterator
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetSpec
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData

from pipelines.bitrix24 import bitrix24
from pipelines.bitrix24.load import open_portal, pipeline

# Definitions need the source's shape only; the real portal is opened when a run starts.
_SHAPE_ONLY_URL = "http://portal.invalid/rest/1/shape-only/"


class RawTableTranslator(DagsterDltTranslator):
    """`bitrix24/deals`, the key dagster-dbt gives source('bitrix24', 'deals')."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> AssetSpec:
        return (
            super()
            .get_asset_spec(data)
            .replace_attributes(
                key=AssetKey(["bitrix24", data.resource.name]), deps=[], group_name="raw"
            )
        )


@dlt_assets(
    dlt_source=bitrix24(_SHAPE_ONLY_URL, "shape-only", scan_deletes=True),
    dlt_pipeline=pipeline(progress="log"),
    name="bitrix24_raw",
    dagster_dlt_translator=RawTableTranslator(),
)
def bitrix24_raw(context: AssetExecutionContext, dlt: DagsterDltResource) -> Iterator[Any]:
    with open_portal() as portal:
        # Every run scans for deletes for now; a nightly job should take that over (issue 6).
        source = bitrix24(
            portal.webhook_url, portal.portal_id, scan_deletes=True, oauth=portal.oauth
        )
        yield from dlt.run(context=context, dlt_source=source)
