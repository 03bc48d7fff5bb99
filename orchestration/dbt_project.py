"""The dbt project as Dagster sees it; its manifest must exist before definitions load."""

import os

from dagster_dbt import DbtProject

from pipelines import config

# dbt's profile reads the warehouse location from the environment (dbt_project/profiles.yml).
os.environ.setdefault("WAREHOUSE_DIR", str(config.warehouse_dir()))

DBT_DIR = config.PROJECT_ROOT / "dbt_project"
dbt_project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)
dbt_project.prepare_if_dev()  # `dagster dev` re-parses; elsewhere `make` runs `dbt parse`
