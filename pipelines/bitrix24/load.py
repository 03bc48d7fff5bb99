"""Runs the `bitrix24` source into the warehouse, against the configured portal or the demo one."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import dlt
from dlt.common.pipeline import LoadInfo

from pipelines import config
from pipelines.demo_portal import company
from pipelines.demo_portal.server import DemoPortal

from . import bitrix24
from .oauth import OAuthApp
from .settings import DATASET_NAME, PIPELINE_NAME

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Portal:
    webhook_url: str  # with oauth: the app's REST endpoint
    portal_id: str
    oauth: OAuthApp | None = None


@contextmanager
def open_portal() -> Iterator[Portal]:
    """The portal from BITRIX24_WEBHOOK_URL, or an OAuth app's (BITRIX24_CLIENT_*), or the
    bundled demo portal started for the run."""
    oauth = OAuthApp.from_environment()
    if oauth:
        yield Portal(oauth.endpoint, config.portal_id_from(oauth.endpoint), oauth)
        return
    url = config.webhook_url()
    if url:
        yield Portal(url, config.portal_id_from(url))
        return
    data = company.ensure(
        config.demo_portal_file(), seed=config.demo_seed(), scale=config.demo_scale()
    )
    with DemoPortal(data) as demo:
        log.info("No BITRIX24_WEBHOOK_URL set: loading the demo portal at %s", demo.base_url)
        yield Portal(demo.webhook_url, config.demo_portal_id())


def pipeline(progress: str | None = "log") -> dlt.Pipeline:
    """`progress="log"` prints entity, rows and rate while loading; None is quiet."""
    # Resource after resource, in the source's order: the audit resources come last and
    # write what the others noted (see audit.py). One portal serves one reader at a time
    # anyway, so interleaving would gain nothing.
    dlt.config["extract.next_item_mode"] = "fifo"
    warehouse = config.warehouse_path()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name=DATASET_NAME,
        pipelines_dir=str(config.warehouse_dir() / "dlt"),
        **({"progress": progress} if progress else {}),
    )


def run(progress: str | None = "log", scan_deletes: bool = False) -> LoadInfo:
    """One load. `scan_deletes` also reads every id to notice deleted records: thorough but a
    request per 2,500 records, so scheduled runs do it now and then, not every time."""
    with open_portal() as portal:
        source = bitrix24(
            portal.webhook_url, portal.portal_id, scan_deletes=scan_deletes, oauth=portal.oauth
        )
        return pipeline(progress).run(source)
