"""dbt models as assets; dbt tests become asset checks on the models they test."""

from collections.abc import Iterator
from typing import Any

from dagster import AssetExecutionContext, AssetsDefinition
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt_project import dbt_project
from orchestration.portals import Portals


def dbt_models(portals: Portals) -> AssetsDefinition:
    @dbt_assets(
        manifest=dbt_project.manifest_path, name="bitrix24_dbt", partitions_def=portals.partitions
    )
    def bitrix24_dbt(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
        # dbt's profile reads WAREHOUSE_DIR, so the environment picks the portal's warehouse.
        with portals.environment(context.partition_key):
            yield from dbt.cli(["build"], context=context).stream()

    return bitrix24_dbt
