"""The portals Dagster serves, one partition each.

With no configuration there is one: the portal BITRIX24_WEBHOOK_URL names (or the OAuth app's),
else the demo portal, in WAREHOUSE_DIR. An agency lists its clients' portals in a file named by
BITRIX24_PORTALS_FILE (see `portals.example.yml`); each gets its own warehouse, dlt state and
report site under WAREHOUSE_DIR/portals/<id>/, so portals never share a DuckDB writer. Secrets
stay in the environment: the file names the variable holding each webhook.
"""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from dagster import StaticPartitionsDefinition

from pipelines import config
from pipelines.bitrix24.pacing import PLANS

PORTAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # a folder name and a partition key


class PortalsFileError(ValueError):
    """The portals file cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class PortalSettings:
    id: str
    webhook_url_env: str | None = None  # None: a demo portal, generated from demo_seed
    plan: str = "standard"
    demo_seed: int = config.DEMO_SEED


@dataclass(frozen=True)
class Portals:
    settings: tuple[PortalSettings, ...]
    from_file: bool  # listed in a file: a warehouse per portal, under base_dir/portals/
    base_dir: Path

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.settings]

    @property
    def partitions(self) -> StaticPartitionsDefinition:
        return StaticPartitionsDefinition(self.ids)

    @contextmanager
    def environment(self, portal_id: str) -> Iterator[None]:
        """The process environment the pipeline's steps read (pipelines/config.py, dbt's
        profile) set to one portal for the duration of a step. Steps of one run execute one
        after another in one process, so they never see each other's portal."""
        if not self.from_file:
            yield
            return
        portal = next((p for p in self.settings if p.id == portal_id), None)
        if portal is None:
            raise KeyError(f"no portal {portal_id!r} in {os.environ.get('BITRIX24_PORTALS_FILE')}")
        wanted: dict[str, str | None] = {
            "WAREHOUSE_DIR": str(self.base_dir / "portals" / portal.id),
            "BITRIX24_PORTAL_ID": portal.id,
            "BITRIX24_PLAN": portal.plan,
            "DEMO_PORTAL_SEED": str(portal.demo_seed),
            "BITRIX24_WEBHOOK_URL": None,
            "BITRIX24_CLIENT_ENDPOINT": None,  # a listed portal is read by its webhook
        }
        if portal.webhook_url_env:
            url = os.environ.get(portal.webhook_url_env)
            if not url:
                raise PortalsFileError(
                    f"portal {portal.id}: environment variable {portal.webhook_url_env}"
                    " (its webhook URL) is not set"
                )
            wanted["BITRIX24_WEBHOOK_URL"] = url
        before = {name: os.environ.get(name) for name in wanted}
        _apply(wanted)
        try:
            yield
        finally:
            _apply(before)


def configured() -> Portals:
    path = os.environ.get("BITRIX24_PORTALS_FILE")
    if path:
        return read(Path(path))
    url = config.webhook_url() or os.environ.get("BITRIX24_CLIENT_ENDPOINT")
    portal_id = config.portal_id_from(url) if url else config.DEMO_PORTAL_ID
    return Portals((PortalSettings(portal_id),), from_file=False, base_dir=config.warehouse_dir())


def read(path: Path) -> Portals:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise PortalsFileError(f"{path}: {error}") from None
    entries = document.get("portals") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise PortalsFileError(f"{path}: expected a list under `portals:`")
    portals = [_entry(path, n, entry) for n, entry in enumerate(entries, start=1)]
    ids = [p.id for p in portals]
    if duplicated := sorted({i for i in ids if ids.count(i) > 1}):
        raise PortalsFileError(f"{path}: portal ids listed twice: {', '.join(duplicated)}")
    return Portals(tuple(portals), from_file=True, base_dir=config.warehouse_dir())


def _entry(path: Path, n: int, entry: object) -> PortalSettings:
    where = f"{path}, portal {n}"
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        raise PortalsFileError(f"{where}: needs an `id`")
    if not PORTAL_ID.match(entry["id"]):
        raise PortalsFileError(f"{where}: id {entry['id']!r} must be letters, digits, . _ -")
    unknown = set(entry) - {"id", "webhook_url_env", "plan", "demo_seed"}
    if unknown:
        raise PortalsFileError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    if "://" in str(entry.get("webhook_url_env", "")):
        raise PortalsFileError(f"{where}: webhook_url_env names a variable, not the URL itself")
    if entry.get("plan", "standard") not in PLANS:
        raise PortalsFileError(f"{where}: plan must be one of {', '.join(PLANS)}")
    return PortalSettings(
        id=entry["id"],
        webhook_url_env=entry.get("webhook_url_env"),
        plan=entry.get("plan", "standard"),
        demo_seed=int(entry.get("demo_seed", config.DEMO_SEED)),
    )


def _apply(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
