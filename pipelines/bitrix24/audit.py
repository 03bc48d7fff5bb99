"""What each run read, as the portal reported it: the trail the marts reconcile against.

Entity resources note their line as they finish; the `extraction_audit` and `deal_census`
resources come last in the source and write what was noted. That relies on dlt extracting
resource after resource (`next_item_mode = "fifo"`, set by `load.pipeline`).
"""

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import dlt
from dlt.sources import DltResource

from .client import Bitrix24Client
from .settings import AUDIT_COLUMNS, CENSUS_COLUMNS


class RunLedger:
    """One run's audit lines, and the deal census when the run is a census."""

    def __init__(self, portal: str):
        self.portal = portal
        self.lines: list[dict[str, Any]] = []
        self.census: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
        self.counted_at: str | None = None

    def note(self, entity: str, **measures: Any) -> None:
        self.lines.append({"portal_id": self.portal, "entity": entity, **measures})

    def count_deals(self, page: list[dict[str, Any]], counted_at: str) -> None:
        """Deals and amount sums per stage semantic and currency, as the portal lists them."""
        self.counted_at = counted_at
        for deal in page:
            key = (deal.get("STAGE_SEMANTIC_ID") or "", deal.get("CURRENCY_ID") or "")
            group = self.census[key]
            group[0] += 1
            group[1] += Decimal(deal.get("OPPORTUNITY") or 0)

    def resources(self, client: Bitrix24Client) -> list[DltResource]:
        def audit() -> Iterator[list[dict[str, Any]]]:
            # Calls outside any entity (the portal clock, the census) get a line of their own:
            # the lines add up to every request the run made.
            noted = {line["entity"] for line in self.lines}
            for tally in sorted(set(client.requests) - noted):
                self.note(tally, requests=client.requests[tally], retries=client.retries[tally])
            yield self.lines

        def census() -> Iterator[list[dict[str, Any]]]:
            yield [
                {
                    "portal_id": self.portal,
                    "counted_at": self.counted_at,
                    "stage_semantic_id": semantic,
                    "currency_id": currency,
                    "deals": deals,
                    "amount": str(amount),  # exact: a float would lose kopecks in the sum
                }
                for (semantic, currency), (deals, amount) in sorted(self.census.items())
            ]

        return [
            dlt.resource(
                audit, name="extraction_audit", write_disposition="append", columns=AUDIT_COLUMNS
            ),
            dlt.resource(
                census, name="deal_census", write_disposition="append", columns=CENSUS_COLUMNS
            ),
        ]
