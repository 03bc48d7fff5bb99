"""Checks beyond dbt's tests: can the numbers be trusted right now?

- freshness of each raw table: how long ago a load last brought it;
- extraction audit anomalies: a list the portal suddenly reports much shorter than before;
- reconciliation with the CRM, on the published copy readers actually see.

Each opens the warehouse of the run's portal (the run's partition) read-only.
"""

import os
from datetime import UTC, datetime, timedelta

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    asset_check,
)

from orchestration.portals import Portals
from pipelines import config
from pipelines.bitrix24.settings import ENTITIES

# Read on every run; a census (deletes, totals) runs nightly, so its tables age a day.
CENSUS_TABLES = ("deletions", "deal_census")


def max_age(table: str) -> timedelta:
    minutes = float(os.environ.get("RAW_MAX_AGE_MINUTES") or 60)
    return timedelta(hours=26) if table in CENSUS_TABLES else timedelta(minutes=minutes)


def max_drop() -> float:
    """The share by which a list may shrink between two censuses before the check fails."""
    return float(os.environ.get("AUDIT_MAX_DROP") or 0.10)


def trust_checks(portals: Portals) -> list[AssetChecksDefinition]:
    def portal_of(context: AssetCheckExecutionContext):
        return portals.environment(context.run.tags.get("dagster/partition", portals.ids[0]))

    def freshness(table: str, audited: str) -> AssetChecksDefinition:
        """`audited`: the audit line that says a load read this table (the census tables
        are written by the census, which may find nothing to add)."""

        @asset_check(
            asset=AssetKey(["bitrix24", table]),
            name="loaded_recently",
            description=f"A load read raw.{table} within {max_age(table)}.",
        )
        def loaded_recently(context: AssetCheckExecutionContext) -> AssetCheckResult:
            with portal_of(context), _warehouse(config.warehouse_path()) as db:
                loaded_at = last_loaded_at(db, audited)
            if loaded_at is None:
                return AssetCheckResult(passed=False, description="never loaded")
            age = datetime.now(UTC) - loaded_at.astimezone(UTC)
            return AssetCheckResult(
                passed=age <= max_age(table),
                severity=AssetCheckSeverity.WARN,
                metadata={
                    "last_loaded_at": loaded_at.isoformat(),
                    "age_minutes": round(age.total_seconds() / 60, 1),
                },
            )

        return loaded_recently

    @asset_check(
        asset=AssetKey(["bitrix24", "extraction_audit"]),
        name="no_list_shrank_suddenly",
        description="No list the portal counts shrank by more than AUDIT_MAX_DROP (10%) "
        "since the previous census: a lost permission or a mass delete, to look into.",
    )
    def no_list_shrank_suddenly(context: AssetCheckExecutionContext) -> AssetCheckResult:
        with portal_of(context), _warehouse(config.warehouse_path()) as db:
            shrunk = shrunk_lists(db, max_drop())
        return AssetCheckResult(
            passed=not shrunk,
            metadata={
                "shrunk_lists": ", ".join(f"{e}: {was} → {now}" for e, was, now in shrunk) or "none"
            },
        )

    @asset_check(
        asset=AssetKey("published_warehouse"),
        name="reconciles_with_the_crm",
        description="The published marts agree with the CRM's own counts and deal amounts "
        "(marts.mart_reconciliation is empty).",
    )
    def reconciles_with_the_crm(context: AssetCheckExecutionContext) -> AssetCheckResult:
        with portal_of(context), _warehouse(config.published_path()) as db:
            differences = db.execute(
                "select check_kind, subject, deal_id, difference"
                " from marts.mart_reconciliation order by check_kind, subject, deal_id"
            ).fetchall()
        return AssetCheckResult(
            passed=not differences,
            metadata={
                "differences": len(differences),
                "first_differences": "\n".join(
                    f"{kind} {subject}{f' #{deal}' if deal else ''}: {what}"
                    for kind, subject, deal, what in differences[:20]
                )
                or "none",
            },
        )

    audited = {table: table for table in ENTITIES} | {
        entity.moves_table: table for table, entity in ENTITIES.items() if entity.moves_table
    }
    return [
        *(freshness(table, entity) for table, entity in audited.items()),
        *(freshness(table, "census") for table in CENSUS_TABLES),
        no_list_shrank_suddenly,
        reconciles_with_the_crm,
    ]


def last_loaded_at(db: duckdb.DuckDBPyConnection, entity: str) -> datetime | None:
    """When the last successful load that read `entity` (its audit line) was committed."""
    return db.execute(
        """
        select max(loads.inserted_at)
        from raw._dlt_loads as loads
        inner join raw.extraction_audit as audit on audit._dlt_load_id = loads.load_id
        where loads.status = 0 and audit.entity = ?
        """,
        [entity],
    ).fetchone()[0]


def shrunk_lists(db: duckdb.DuckDBPyConnection, drop: float) -> list[tuple[str, int, int]]:
    """(entity, previous total, latest total) of each list whose latest census total is more
    than `drop` below the census before it."""
    return db.execute(
        """
        with censuses as (
            select
                entity,
                api_total,
                lag(api_total) over (partition by entity order by _dlt_load_id) as previous_total,
                row_number() over (partition by entity order by _dlt_load_id desc) as recency
            from raw.extraction_audit
            where api_total is not null
        )
        select entity, previous_total, api_total
        from censuses
        where recency = 1 and api_total < previous_total * (1 - ?)
        order by entity
        """,
        [drop],
    ).fetchall()


def _warehouse(path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)
