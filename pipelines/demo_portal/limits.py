"""What a call costs the portal, and the limits a real portal enforces (bitrix24-rest-api.md §2).

- Cost: counting `total` costs in proportion to the filtered rows (the docs measured ~50 s on
  2.4M rows), an offset page in proportion to its offset, a keyset page (`>ID`, `start=-1`) a
  small constant. The cost is reported as `time.processing` and really spent (slept), times a
  scale factor: 0 keeps tests fast, 1 is a real portal.
- Rate: a leaky bucket per portal (standard: drains 2 requests/s, blocks past 50 queued;
  enterprise: 5/250) answering 503 QUERY_LIMIT_EXCEEDED; a batch counts once.
- Operating time: processing seconds per method summed over 10 one-minute buckets; past the
  limit (480 s) the method answers 429 OPERATION_TIME_LIMIT until the oldest bucket expires.
"""

import threading
import time
from collections import defaultdict, deque
from contextvars import ContextVar
from dataclasses import dataclass

from .errors import ApiError

SECONDS_PER_CALL = 0.02
SECONDS_PER_ROW_RETURNED = 0.0005
SECONDS_PER_ROW_COUNTED = 2.0e-5  # 2.4M rows ≈ 48 s, as the docs measured
SECONDS_PER_ROW_SKIPPED = 1.0e-5  # an offset page reads and drops the rows before it

_charged: ContextVar[list[float] | None] = ContextVar("charged", default=None)


def charge(seconds: float) -> None:
    """Add to the processing time of the call being answered (no-op outside a call)."""
    meter = _charged.get()
    if meter is not None:
        meter[0] += seconds


def list_cost(returned: int, offset: int, counted: int | None) -> float:
    return (
        SECONDS_PER_CALL
        + returned * SECONDS_PER_ROW_RETURNED
        + max(offset, 0) * SECONDS_PER_ROW_SKIPPED
        + (counted or 0) * SECONDS_PER_ROW_COUNTED
    )


class Meter:
    """Measures one call's modelled processing time (set while a handler runs)."""

    def __enter__(self) -> "Meter":
        self._cell = [0.0]
        self._token = _charged.set(self._cell)
        return self

    def __exit__(self, *exc: object) -> None:
        _charged.reset(self._token)

    @property
    def seconds(self) -> float:
        return self._cell[0]


@dataclass(frozen=True)
class Plan:
    drain_per_second: float
    threshold: int


PLANS = {"standard": Plan(2, 50), "enterprise": Plan(5, 250)}


class LeakyBucket:
    def __init__(self, plan: Plan):
        self.plan, self.level, self.updated = plan, 0.0, time.monotonic()
        self.rejected = 0  # 503s answered: a well-behaved client keeps this at 0
        self._lock = threading.Lock()

    def admit(self) -> None:
        with self._lock:
            now = time.monotonic()
            self.level = max(0.0, self.level - (now - self.updated) * self.plan.drain_per_second)
            self.updated = now
            if self.level + 1 > self.plan.threshold:
                self.rejected += 1
                raise ApiError(503, "QUERY_LIMIT_EXCEEDED", "Too many requests")
            self.level += 1


class OperatingBudget:
    """Processing seconds per method in one-minute buckets over a ten-minute window."""

    def __init__(self, limit_seconds: float = 480, buckets: int = 10, bucket_seconds: int = 60):
        self.limit, self.buckets, self.bucket_seconds = limit_seconds, buckets, bucket_seconds
        self._spent: dict[str, deque[tuple[int, float]]] = defaultdict(deque)
        self._lock = threading.Lock()
        # how long methods stayed refused: from the first 429 to the next call let through
        self._blocked_since: dict[str, float] = {}
        self._blocked_total = 0.0

    def _window(self, method: str) -> deque[tuple[int, float]]:
        spent, oldest = (
            self._spent[method],
            int(time.time()) // self.bucket_seconds - (self.buckets - 1),
        )
        while spent and spent[0][0] < oldest:
            spent.popleft()
        return spent

    def used(self, method: str) -> float:
        with self._lock:
            return sum(seconds for _, seconds in self._window(method))

    def reset_at(self, method: str) -> int:
        """When the oldest bucket leaves the window (unix time)."""
        with self._lock:
            spent = self._window(method)
            first = spent[0][0] if spent else int(time.time()) // self.bucket_seconds
            return (first + self.buckets) * self.bucket_seconds

    def blocked_seconds(self) -> float:
        """Seconds any method spent refused so far, a refusal still running counted to now."""
        with self._lock:
            now = time.monotonic()
            return self._blocked_total + sum(now - t for t in self._blocked_since.values())

    def check(self, method: str) -> None:
        if self.used(method) < self.limit:
            with self._lock:
                since = self._blocked_since.pop(method, None)
                if since is not None:
                    self._blocked_total += time.monotonic() - since
            return
        with self._lock:
            self._blocked_since.setdefault(method, time.monotonic())
        raise ApiError(
            429,
            "OPERATION_TIME_LIMIT",
            "Method is blocked due to operation time limit.",
            extra={
                "time": {
                    "operating_reset_at": self.reset_at(method),
                    "operating": self.used(method),
                }
            },
        )

    def spend(self, method: str, seconds: float) -> None:
        with self._lock:
            spent, bucket = self._window(method), int(time.time()) // self.bucket_seconds
            if spent and spent[-1][0] == bucket:
                spent[-1] = (bucket, spent[-1][1] + seconds)
            else:
                spent.append((bucket, seconds))
