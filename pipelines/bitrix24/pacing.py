"""Keeping inside a portal's limits from the client side (bitrix24-rest-api.md §2).

A portal answers 503 QUERY_LIMIT_EXCEEDED once its leaky bucket (2 requests/s drained, 50
queued; enterprise 5/250) overflows. The client mirrors that bucket and waits before it
would overflow, so 503s stay the exception. It keeps a margin below the threshold: other
apps on the same server address share the portal's bucket.
"""

import threading
import time

PLANS = {"standard": (2.0, 50), "enterprise": (5.0, 250)}
MARGIN = 0.8  # use 80% of the burst allowance


class Pacer:
    def __init__(self, plan: str = "standard"):
        if plan not in PLANS:
            raise ValueError(f"unknown plan {plan!r}: one of {', '.join(PLANS)}")
        self.rate, threshold = PLANS[plan]
        self.burst = threshold * MARGIN
        self.level, self.updated = 0.0, time.monotonic()
        self.waited = 0.0  # seconds spent waiting, for the extraction audit
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until one more request fits in the portal's bucket, then count it."""
        with self._lock:
            now = time.monotonic()
            self.level = max(0.0, self.level - (now - self.updated) * self.rate)
            self.updated = now
            pause = max(0.0, (self.level + 1 - self.burst) / self.rate)
            if pause:
                time.sleep(pause)
                self.waited += pause
                self.level = max(0.0, self.level - pause * self.rate)
                self.updated = time.monotonic()
            self.level += 1
