"""dbt models as assets; dbt tests become asset checks on the models they test."""

from collections.abc import Iterator
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt_project import dbt_project


@dbt_assets(manifest=dbt_project.manifest_path, name="bitrix24_dbt")
def bitrix24_dbt(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    yield from dbt.cli(["build"], context=context).stream()
