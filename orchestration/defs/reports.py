"""What readers see: the published warehouse copy, and the report site built from it."""

import shutil

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, asset

from orchestration.portals import Portals
from pipelines import config, warehouse
from pipelines.report_site import build as build_report_site

# Every portal's site is built in the one Evidence project: one build at a time (dagster.yaml
# gives each pool a limit of 1).
EVIDENCE_POOL = "evidence_build"


def report_assets(portals: Portals, models: list[AssetKey]) -> list[AssetsDefinition]:
    @asset(deps=models, group_name="reports", partitions_def=portals.partitions)
    def published_warehouse(context: AssetExecutionContext) -> MaterializeResult:
        """The read-only copy analysts and the report site read; swapped in atomically."""
        with portals.environment(context.partition_key):
            path = warehouse.publish()
        return MaterializeResult(metadata={"path": str(path), "bytes": path.stat().st_size})

    @asset(
        deps=[published_warehouse],
        group_name="reports",
        partitions_def=portals.partitions,
        pool=EVIDENCE_POOL,
    )
    def report_site(context: AssetExecutionContext) -> MaterializeResult:
        """The static Evidence site: `reports_evidence/build`, and with many portals a copy
        per portal in its warehouse folder (`site/`)."""
        with portals.environment(context.partition_key):
            site = build_report_site()
            if portals.from_file:
                site = shutil.copytree(site, config.warehouse_dir() / "site", dirs_exist_ok=True)
        files = [p for p in site.rglob("*") if p.is_file()]
        return MaterializeResult(
            metadata={
                "path": str(site),
                "files": len(files),
                "bytes": sum(p.stat().st_size for p in files),
            }
        )

    return [published_warehouse, report_site]
