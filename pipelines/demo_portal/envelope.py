"""The success envelope every method answers with: `result`, `total`/`next` on lists, `time`."""

import time
from datetime import datetime
from typing import Any

from .clock import PORTAL_TZ


def time_block(started: float) -> dict[str, Any]:
    """The six keys clients require (b24pysdk checks them); `operating` is left out on purpose:
    fast_bitrix24 mis-reads it (bitrix24-rest-api.md §6)."""
    finished = time.time()
    return {
        "start": started,
        "finish": finished,
        "duration": finished - started,
        "processing": finished - started,
        "date_start": datetime.fromtimestamp(started, PORTAL_TZ).isoformat(),
        "date_finish": datetime.fromtimestamp(finished, PORTAL_TZ).isoformat(),
    }


def success(
    result: Any, started: float, total: int | None = None, next_start: int | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"result": result}
    if next_start is not None:
        body["next"] = next_start
    if total is not None:
        body["total"] = total
    body["time"] = time_block(started)
    return body
