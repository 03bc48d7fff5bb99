"""What each run read, as the portal reported it: the trail the marts reconcile against.

Entity resources note their line as they finish; the `extraction_audit` and `deal_census`
resources come last in the source and write what was noted. That relies on dlt extracting
resource after resource (`next_item_mode = "fifo"`, set by `load.pipeline`).
"""

from collections.abc import Iterator
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
        self.census: list[dict[str, Any]] = []

    def note(self, entity: str, **measures: Any) -> None:
        self.lines.append({"portal_id": self.portal, "entity": entity, **measures})

    def count_deals(self, page: list[dict[str, Any]], counted_at: str) -> None:
        """Each deal's stage semantic, amount and currency as the portal lists them now: the
        marts must agree deal by deal, so a difference names its deal."""
        self.census.extend(
            {
                "portal_id": self.portal,
                "ID": deal["ID"],
                "STAGE_SEMANTIC_ID": deal.get("STAGE_SEMANTIC_ID"),
                "OPPORTUNITY": deal.get("OPPORTUNITY"),
                "CURRENCY_ID": deal.get("CURRENCY_ID"),
                "counted_at": counted_at,
            }
            for deal in page
        )

    def resources(self, client: Bitrix24Client) -> list[DltResource]:
        def audit() -> Iterator[list[dict[str, Any]]]:
            # Calls outside any entity (the portal clock, the census) get a line of their own:
            # the lines add up to every request the run made.
            noted = {line["entity"] for line in self.lines}
            for tally in sorted(set(client.requests) - noted):
                self.note(tally, requests=client.requests[tally], retries=client.retries[tally])
            yield self.lines

        def census() -> Iterator[list[dict[str, Any]]]:
            yield self.census

        return [
            dlt.resource(
                audit, name="extraction_audit", write_disposition="append", columns=AUDIT_COLUMNS
            ),
            # One row per deal ever counted; a deal the latest census did not list carries
            # an older counted_at (deleted since), so the table stays the size of the CRM.
            dlt.resource(
                census,
                name="deal_census",
                write_disposition="merge",
                primary_key=("portal_id", "ID"),
                columns=CENSUS_COLUMNS,
            ),
        ]
