"""Everything Dagster shows: raw tables → dbt models → published warehouse → report site."""

from dagster import AssetSelection, Definitions, ScheduleDefinition, define_asset_job
from dagster_dbt import DbtCliResource
from dagster_dlt import DagsterDltResource

from orchestration.dbt_project import dbt_project
from orchestration.defs.ingest import bitrix24_raw
from orchestration.defs.reports import published_warehouse, report_site
from orchestration.defs.transform import bitrix24_dbt

refresh = define_asset_job(
    "refresh",
    selection=AssetSelection.all(),
    description="Load the portal, build the marts, publish, build the site.",
)

defs = Definitions(
    assets=[bitrix24_raw, bitrix24_dbt, published_warehouse, report_site],
    jobs=[refresh],
    schedules=[ScheduleDefinition(job=refresh, cron_schedule="*/15 * * * *")],
    resources={
        "dlt": DagsterDltResource(),
        "dbt": DbtCliResource(project_dir=dbt_project),
    },
)
