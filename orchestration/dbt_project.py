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


def _manifest_is_stale() -> bool:
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return (
        any(
            p.stat().st_mtime > built
            for folder in ("models", "macros", "tests", "seeds")
            for p in (DBT_DIR / folder).rglob("*")
            if p.is_file()
        )
        or (DBT_DIR / "dbt_project.yml").stat().st_mtime > built
    )


# `dagster dev` re-parses a project edited since its manifest; elsewhere `make` runs `dbt parse`.
# An unchanged project is not parsed again, which keeps `dagster dev`'s start quick.
if _manifest_is_stale():
    dbt_project.prepare_if_dev()
