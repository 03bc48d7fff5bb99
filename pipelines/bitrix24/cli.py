"""`bitrix24-load`: load the configured portal (or the demo portal) into the warehouse."""

import logging
import sys

from dlt.pipeline.exceptions import PipelineStepFailed

from pipelines import config

from .client import Bitrix24Error
from .load import run


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        info = run()
    except (Bitrix24Error, PipelineStepFailed) as err:
        cause = err.exception if isinstance(err, PipelineStepFailed) else err
        while cause.__context__ is not None and not isinstance(cause, Bitrix24Error):
            cause = cause.__context__
        print(f"bitrix24-load failed: {cause}", file=sys.stderr)
        return 1
    print(info)
    print(f"Warehouse: {config.warehouse_path()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
