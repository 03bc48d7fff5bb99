"""Publishing: analysts and the report site read a copy, so they never block or see a load.

The copy is written beside the target and renamed over it, so a reader sees the old file or
the new one, never half of either.
"""

import shutil
import sys
from pathlib import Path

import duckdb

from pipelines import config


def publish(source: Path | None = None, target: Path | None = None) -> Path:
    source = source or config.warehouse_path()
    target = target or config.published_path()
    if not source.exists():
        raise FileNotFoundError(f"No warehouse at {source}: run `make load transform` first")
    with duckdb.connect(str(source)) as db:
        db.execute("checkpoint")  # fold the write-ahead log into the file before copying it
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    shutil.copyfile(source, partial)
    partial.replace(target)
    return target


if __name__ == "__main__":
    print(f"Published: {publish()}")
    sys.exit(0)
