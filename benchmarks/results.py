"""Where benchmark results go: one JSON file per benchmark, date and scale, stamped with the
machine, so figures from different days and machines are never mixed up."""

import json
import os
import platform
from datetime import date
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> str:
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {memory_gb:.0f} GiB, "
        f"Python {platform.python_version()}"
    )


def save_suite(size: str, result: dict, summary: str) -> tuple[Path, Path]:
    """`make bench`: <date>-<size>.json and its markdown summary <date>-<size>.md."""
    result["machine"], result["date"] = machine(), date.today().isoformat()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{result['date']}-{size}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    text = out.with_suffix(".md")
    text.write_text(f"{summary}\n\n{result['date']}, {result['machine']}\n")
    return out, text


def save(name: str, scale: float, result: dict) -> Path:
    result["machine"] = machine()
    result["date"] = date.today().isoformat()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{result['date']}-{name}-scale{scale:g}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return out
