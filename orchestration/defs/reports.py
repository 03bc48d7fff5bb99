"""What readers see: the published warehouse copy, and the report site built from it."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from pipelines import warehouse
from pipelines.report_site import build as build_report_site

from .transform import bitrix24_dbt


@asset(deps=list(bitrix24_dbt.keys), group_name="reports")
def published_warehouse(context: AssetExecutionContext) -> MaterializeResult:
    """The read-only copy analysts and the report site read; swapped in atomically."""
    path = warehouse.publish()
    return MaterializeResult(metadata={"path": str(path), "bytes": path.stat().st_size})


@asset(deps=[published_warehouse], group_name="reports")
def report_site(context: AssetExecutionContext) -> MaterializeResult:
    """The static Evidence site (`reports_evidence/build`)."""
    site = build_report_site()
    files = [p for p in site.rglob("*") if p.is_file()]
    return MaterializeResult(
        metadata={
            "path": str(site),
            "files": len(files),
            "bytes": sum(p.stat().st_size for p in files),
        }
    )
