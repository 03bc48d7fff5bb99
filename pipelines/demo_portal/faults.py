"""Faults on demand, so clients are tested against a portal having a bad day.

A spec like `5xx=0.1,drop=0.05,slow=0.02,html=0.01,move=0.01,edits=0.1` gives each fault's
share of /rest/ requests:

- `5xx`: half 503 QUERY_LIMIT_EXCEEDED, half 500 INTERNAL_SERVER_ERROR (JSON);
- `drop`: the connection closes with no answer;
- `slow`: the answer waits `slow_seconds` (default 3; `slow_seconds=N` sets it);
- `html`: a 500 HTML page instead of JSON, as a proxy in front of a portal gives;
- `move`: 302 to the portal's new address (`localhost` instead of `127.0.0.1`);
- `edits`: while a list is being read, the portal changes under it (an edit, a new record,
  or a delete), the way concurrent users make offset paging skip and repeat rows.
"""

import random
import threading
from dataclasses import dataclass

KINDS = ("5xx", "drop", "slow", "html", "move", "edits")


@dataclass
class Faults:
    share: dict[str, float]
    slow_seconds: float = 3.0
    seed: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    @classmethod
    def parse(cls, spec: str | None, seed: int = 0) -> "Faults":
        share: dict[str, float] = {}
        slow_seconds = 3.0
        for item in filter(None, (spec or "").split(",")):
            name, _, value = item.partition("=")
            name = name.strip()
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"fault {name!r} needs a number, got {value!r}") from None
            if name == "slow_seconds":
                slow_seconds = number
            elif name in KINDS and 0 <= number <= 1:
                share[name] = number
            else:
                raise ValueError(
                    f"unknown fault {name!r} or share {value!r} outside 0..1; "
                    f"known: {', '.join(KINDS)}, slow_seconds"
                )
        return cls(share, slow_seconds, seed)

    def draw(self) -> str | None:
        """At most one fault for this request (the HTTP kinds), by their shares."""
        with self._lock:
            roll = self._rng.random()
        for kind in ("5xx", "drop", "slow", "html", "move"):
            roll -= self.share.get(kind, 0)
            if roll < 0:
                return kind
        return None

    def happens(self, kind: str) -> bool:
        with self._lock:
            return self._rng.random() < self.share.get(kind, 0)

    def pick(self, options: list[str]) -> str:
        with self._lock:
            return self._rng.choice(options)

    def __bool__(self) -> bool:
        return any(self.share.values())
