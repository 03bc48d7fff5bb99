"""Dagster definitions by concern: ingest (dlt), transform (dbt), reports (publish, site)."""
