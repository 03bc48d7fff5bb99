"""The success envelope every method answers with: `result`, `total`/`next` on lists, `time`."""

import time
from datetime import datetime
from typing import Any

from .clock import PORTAL_TZ


def time_block(
    started: float, processing: float | None = None, operating: tuple[float, int] | None = None
) -> dict[str, Any]:
    """The six keys clients require (b24pysdk checks them). `operating` is added only when
    asked for: fast_bitrix24 mis-reads it (bitrix24-rest-api.md §6)."""
    finished = time.time()
    block: dict[str, Any] = {
        "start": started,
        "finish": finished,
        "duration": finished - started,
        "processing": finished - started if processing is None else processing,
        "date_start": datetime.fromtimestamp(started, PORTAL_TZ).isoformat(),
        "date_finish": datetime.fromtimestamp(finished, PORTAL_TZ).isoformat(),
    }
    if operating is not None:
        block["operating"], block["operating_reset_at"] = operating
    return block


def success(
    result: Any,
    started: float,
    total: int | None = None,
    next_start: int | None = None,
    processing: float | None = None,
    operating: tuple[float, int] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"result": result}
    if next_start is not None:
        body["next"] = next_start
    if total is not None:
        body["total"] = total
    body["time"] = time_block(started, processing, operating)
    return body
