"""Everything Dagster shows: raw tables → dbt models → published warehouse → report site, for
each configured portal (a partition each; see portals.py).

Two jobs over the same assets, each on a schedule that starts one run per portal:
- `refresh` (REFRESH_CRON, every 15 minutes): incremental load, dbt build, publish, site;
- `nightly` (NIGHTLY_CRON, 03:00): the same with a census, which notices deleted records and
  takes the API totals and deal amounts that the full reconciliation compares with.
Schedules run in SCHEDULE_TIMEZONE (the demo company's Europe/Moscow by default). A portal has
one run at a time and failed runs are retried (dagster.yaml).
"""

import os

from dagster import (
    AssetSelection,
    Backoff,
    Definitions,
    RetryPolicy,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    define_asset_job,
    schedule,
)
from dagster_dbt import DbtCliResource
from dagster_dlt import DagsterDltResource

from orchestration import portals as configured_portals
from orchestration.dbt_project import dbt_project
from orchestration.defs.checks import trust_checks
from orchestration.defs.ingest import raw_tables
from orchestration.defs.reports import report_assets
from orchestration.defs.transform import dbt_models
from orchestration.portals import Portals

# A dropped connection or a portal's bad minute: a step is tried again, later each time. The
# extractor retries single calls itself; this covers a step that gave up.
TRANSIENT = RetryPolicy(max_retries=2, delay=60, backoff=Backoff.EXPONENTIAL)


def build_definitions(portals: Portals) -> Definitions:
    raw = raw_tables(portals)
    models = dbt_models(portals)
    reports = report_assets(portals, list(models.keys))
    jobs = {
        name: define_asset_job(
            name,
            selection=AssetSelection.all(),
            config={"ops": {"bitrix24_raw": {"config": {"scan_deletes": census}}}},
            op_retry_policy=TRANSIENT,
            description=description,
        )
        for name, census, description in [
            ("refresh", False, "Load what changed, build the marts, publish, build the site."),
            ("nightly", True, "The refresh with a census: deletes, API totals, reconciliation."),
        ]
    }
    schedules = [
        _every_portal(jobs["refresh"], os.environ.get("REFRESH_CRON") or "*/15 * * * *", portals),
        _every_portal(jobs["nightly"], os.environ.get("NIGHTLY_CRON") or "0 3 * * *", portals),
    ]
    return Definitions(
        assets=[raw, models, *reports],
        asset_checks=trust_checks(portals),
        jobs=list(jobs.values()),
        schedules=schedules,
        resources={
            "dlt": DagsterDltResource(),
            "dbt": DbtCliResource(project_dir=dbt_project),
        },
    )


def _every_portal(job, cron: str, portals: Portals) -> ScheduleDefinition:
    @schedule(
        name=f"{job.name}_schedule",
        job=job,
        cron_schedule=cron,
        execution_timezone=os.environ.get("SCHEDULE_TIMEZONE") or "Europe/Moscow",
    )
    def every_portal(context: ScheduleEvaluationContext):
        tick = context.scheduled_execution_time
        stamp = tick.isoformat() if tick else "manual"
        for portal_id in portals.ids:
            yield RunRequest(
                run_key=f"{job.name}:{portal_id}:{stamp}",
                partition_key=portal_id,
                tags={"bitrix24/portal": portal_id},
            )

    return every_portal


defs = build_definitions(configured_portals.configured())
