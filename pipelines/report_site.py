"""Builds the Evidence report site from the published warehouse: `sources`, then `build:strict`.

Both steps are strict, so a failing page query fails the build instead of shipping a page
with an error box.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipelines import config

EVIDENCE_DIR = config.PROJECT_ROOT / "reports_evidence"
SITE_DIR = EVIDENCE_DIR / "build"


STEPS = ("sources", "build:strict")


def environment(published: Path) -> dict[str, str]:
    """What Evidence's steps run with: the published warehouse as the `bitrix24` source."""
    if not published.exists():
        raise FileNotFoundError(f"No published warehouse at {published}: run `make transform`")
    source_dir = EVIDENCE_DIR / "sources" / "bitrix24"
    return {
        **os.environ,
        # Evidence joins this to the source folder, so it must be relative to it.
        "EVIDENCE_SOURCE__bitrix24__filename": os.path.relpath(published, source_dir),
        "EVIDENCE_TELEMETRY_DISABLED": "true",
    }


def clear_site() -> None:
    """Evidence adds each build's data under a new hash and never removes the old: start from
    nothing, so the site ships only this build's data (and no record deleted since)."""
    shutil.rmtree(SITE_DIR, ignore_errors=True)


def build(published: Path | None = None) -> Path:
    env = environment(published or config.published_path())
    clear_site()
    for step in STEPS:
        subprocess.run(["npm", "run", "--silent", step], cwd=EVIDENCE_DIR, env=env, check=True)
    return SITE_DIR


if __name__ == "__main__":
    print(f"Report site: {build()}")
    sys.exit(0)
