"""Project-wide settings from the environment, read in one place.

BITRIX24_WEBHOOK_URL: a real portal's inbound webhook; unset means the bundled demo portal.
WAREHOUSE_DIR: where the DuckDB files, dlt state and the demo portal's data live.
BITRIX24_PLAN: the portal's rate-limit plan, standard or enterprise.
DEMO_PORTAL_SCALE, DEMO_PORTAL_SEED: the demo company's size multiplier and random seed.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_PORTAL_ID = "demo"
DEMO_SEED = 42


def warehouse_dir() -> Path:
    return Path(os.environ.get("WAREHOUSE_DIR") or PROJECT_ROOT / "warehouse").resolve()


def warehouse_path() -> Path:
    """The working warehouse: only the pipeline's steps write it, one after another."""
    return warehouse_dir() / "bitrix24.duckdb"


def published_path() -> Path:
    """The read-only copy analysts and the report site read (never blocks a load)."""
    return warehouse_dir() / "published" / "bitrix24.duckdb"


def webhook_url() -> str | None:
    return os.environ.get("BITRIX24_WEBHOOK_URL") or None


def portal_plan() -> str:
    """The portal's rate-limit plan: `standard` (2 req/s, burst 50) or `enterprise` (5/250)."""
    return os.environ.get("BITRIX24_PLAN") or "standard"


def demo_scale() -> float:
    return float(os.environ.get("DEMO_PORTAL_SCALE") or 1)


def demo_seed() -> int:
    """Another seed is another company: how two demo portals differ."""
    return int(os.environ.get("DEMO_PORTAL_SEED") or DEMO_SEED)


def demo_portal_file(seed: int | None = None, scale: float | None = None) -> Path:
    seed = demo_seed() if seed is None else seed
    scale = demo_scale() if scale is None else scale
    return warehouse_dir() / "demo_portal" / f"portal-seed{seed}-scale{scale:g}.sqlite"


def demo_portal_id() -> str:
    return os.environ.get("BITRIX24_PORTAL_ID") or DEMO_PORTAL_ID


def portal_id_from(url: str) -> str:
    """A portal is known by its host name (`acme.bitrix24.ru`), the same in every table."""
    return os.environ.get("BITRIX24_PORTAL_ID") or urlsplit(url).hostname or "unknown"


def redact(url: str) -> str:
    """The webhook URL without its secret, safe for logs and errors."""
    parts = urlsplit(url)
    path = parts.path.split("/")
    if len(path) > 3 and path[1] == "rest":
        path[3] = "***"
    return f"{parts.scheme}://{parts.netloc}{'/'.join(path)}"
