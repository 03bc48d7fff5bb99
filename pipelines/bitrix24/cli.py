"""`bitrix24-load`: load the configured portal (or the demo portal) into the warehouse."""

import argparse
import logging
import sys

from dlt.pipeline.exceptions import PipelineStepFailed

from pipelines import config

from .client import Bitrix24Error
from .load import run
from .oauth import OAuthError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bitrix24-load", description=__doc__)
    parser.add_argument(
        "--scan-deletes",
        action="store_true",
        help="also read every id to notice records deleted on the portal",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        info = run(scan_deletes=args.scan_deletes)
    except (Bitrix24Error, OAuthError, PipelineStepFailed) as err:
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
