"""The dbt project as Dagster sees it; its manifest must exist before definitions load."""

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines import config

# dbt's profile reads the warehouse location from the environment (dbt_project/profiles.yml).
os.environ.setdefault("WAREHOUSE_DIR", str(config.warehouse_dir()))
# dagster-dbt runs the `dbt` it finds on PATH, also when `dagster dev` re-parses the project:
# make that the dbt installed beside this interpreter, whether or not the venv is activated.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])

DBT_DIR = config.PROJECT_ROOT / "dbt_project"
dbt_project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)
dbt_project.prepare_if_dev()  # `dagster dev` re-parses; elsewhere `make` runs `dbt parse`
