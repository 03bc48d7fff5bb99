"""`dbt docs generate` works on the built warehouse and carries the column docs people ask about."""

import json
import subprocess
import sys
from pathlib import Path

DBT_PROJECT = Path(__file__).resolve().parent.parent / "dbt_project"


def test_docs_generate_catalogues_the_marts_with_their_doc_blocks(built_warehouse, tmp_path):
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            *("docs", "generate", "--target-path", str(tmp_path)),
            *("--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT)),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    catalog = json.loads((tmp_path / "catalog.json").read_text())
    manifest = json.loads((tmp_path / "manifest.json").read_text())

    catalogued = catalog["nodes"]["model.bitrix24_analytics.fct_deals"]["columns"]
    assert {"closed_at", "amount_base", "is_close_automation_suspected"} <= {
        c.lower() for c in catalogued
    }
    deals = manifest["nodes"]["model.bitrix24_analytics.fct_deals"]["columns"]
    assert "CLOSEDATE, which anyone can edit" in deals["closed_at"]["description"]
    moves = manifest["nodes"]["model.bitrix24_analytics.fct_deal_stage_moves"]["columns"]
    assert moves["actor_source"]["description"].startswith("`observed`")
