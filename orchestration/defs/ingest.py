"""Raw tables as assets, one per dlt resource, keyed exactly as dbt's sources name them."""

from collections.abc import Iterator
from typing import Any

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    Config,
    MaterializeResult,
)
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData

from orchestration.portals import Portals
from pipelines import config
from pipelines.bitrix24 import bitrix24
from pipelines.bitrix24.load import open_portal, pipeline

# Definitions need the source's shape only; the real portal is opened when a run starts.
_SHAPE_ONLY_URL = "http://portal.invalid/rest/1/shape-only/"


class LoadConfig(Config):
    """Set by the job: the nightly run is a census (deletes, API totals, deal amounts)."""

    scan_deletes: bool = False


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


def raw_tables(portals: Portals) -> AssetsDefinition:
    @dlt_assets(
        dlt_source=bitrix24(_SHAPE_ONLY_URL, "shape-only", scan_deletes=True),
        dlt_pipeline=pipeline(progress="log"),
        name="bitrix24_raw",
        dagster_dlt_translator=RawTableTranslator(),
        partitions_def=portals.partitions,
    )
    def bitrix24_raw(
        context: AssetExecutionContext, dlt: DagsterDltResource, config: LoadConfig
    ) -> Iterator[Any]:
        with portals.environment(context.partition_key), open_portal() as portal:
            source = bitrix24(
                portal.webhook_url,
                portal.portal_id,
                scan_deletes=config.scan_deletes,
                oauth=portal.oauth,
            )
            # The pipeline is made here, in the portal's environment: its warehouse and state.
            results = list(dlt.run(context=context, dlt_source=source, dlt_pipeline=pipeline()))
            audit = _this_runs_audit()
        for result in results:
            yield _with_audit(result, audit)
        # Tables this run does not read (deletions outside a census) still count as done:
        # an output left out would make Dagster skip dbt and everything after it.
        done = {result.asset_key for result in results}
        for key in sorted(context.selected_asset_keys - done, key=str):
            yield MaterializeResult(
                asset_key=key, metadata={"rows_loaded": 0, "read": "not by this run"}
            )

    return bitrix24_raw


def _this_runs_audit() -> dict[str, dict[str, Any]]:
    """The run's audit lines by entity (requests, retries, seconds, API total)."""
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        rows = db.execute(
            """
            select entity, requests, retries, seconds, api_total, rows_received
            from raw.extraction_audit
            where _dlt_load_id = (select max(_dlt_load_id) from raw.extraction_audit)
            """
        ).fetchall()
    names = ("requests", "retries", "seconds", "api_total", "rows_received")
    return {entity: dict(zip(names, values, strict=True)) for entity, *values in rows}


def _with_audit(result: MaterializeResult, audit: dict[str, dict[str, Any]]) -> Any:
    line = audit.get(result.asset_key.path[-1]) if result.asset_key else None
    if not line:
        return result
    measures = {k: v for k, v in line.items() if v is not None}
    return MaterializeResult(
        asset_key=result.asset_key, metadata={**(result.metadata or {}), **measures}
    )
