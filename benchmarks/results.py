"""Where benchmark results go: one JSON file per benchmark, date and scale, stamped with the
machine, so figures from different days and machines are never mixed up."""

import json
import os
import platform
from datetime import date
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def save(name: str, scale: float, result: dict) -> Path:
    result["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    result["date"] = date.today().isoformat()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{result['date']}-{name}-scale{scale:g}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return out
