"""The suite's figures as targets met or missed, growth between two sizes, and markdown."""

from typing import Any

from benchmarks.clients import GET_ALL, OFFSET, OURS


def _peer(size: dict, reader: str, method: str) -> dict:
    return next(
        r for r in size["side_by_side"]["results"] if r["reader"] == reader and r["list"] == method
    )


def _run(size: dict, starts: str) -> dict:
    return next(r for r in size["pipeline"]["runs"] if r["run"].startswith(starts))


def _build(size: dict) -> dict:
    return size["report_site"]["steps"]["build:strict"]


def _target(name: str, figure: Any, goal: str, met: bool | None) -> dict:
    return {"target": name, "figure": figure, "goal": goal, "met": met}


def targets(size: dict) -> list[dict]:
    """The issue's targets, each with the figure it is judged on. `met` is None where the
    size is too small for the target to apply (it names ~1M activities or medium)."""
    big = size["size"] != "small"
    lists = [r for r in size["side_by_side"]["results"] if r["reader"] == OURS]
    worst_share = min(r["share_of_ceiling"] for r in lists)
    fewer = min(
        _peer(size, OFFSET, r["list"])["requests_per_1000_rows"] / r["requests_per_1000_rows"]
        for r in lists
    )
    ours, get_all = (_peer(size, who, "crm.activity.list") for who in (OURS, GET_ALL))
    faster = get_all["seconds_for_whole_list"] / ours["seconds"]
    edits = {r["reader"]: r for r in size["under_edits"]["results"]}[OURS]
    idle = _run(size, "incremental, nothing new")["requests"]
    dbt_seconds = size["transform"]["dbt_build_seconds"]
    evidence_seconds = _build(size)["seconds"]
    return [
        _target(
            "rows per request within 5% of the 2,500 ceiling",
            f"{worst_share:.1%}",
            ">= 95%",
            worst_share >= 0.95,
        ),
        _target("fewer requests than offset paging", f"{fewer:.0f}x", ">= 40x", fewer >= 40),
        _target(
            "less wall time than get_all on the activities list",
            f"{faster:.1f}x ({ours['rows_in_list']:,} activities)",
            ">= 5x at ~1M activities",
            faster >= 5 if big else None,
        ),
        _target(
            "rows lost / duplicated under concurrent edits",
            f"{edits['lost']} / {edits['duplicated']}",
            "0 / 0",
            edits["lost"] == edits["duplicated"] == 0,
        ),
        _target("requests of an incremental run with no changes", idle, "<= 20", idle <= 20),
        _target(
            "dbt build",
            f"{dbt_seconds} s",
            "<= 60 s at medium",
            dbt_seconds <= 60 if big else None,
        ),
        _target(
            "Evidence build:strict",
            f"{evidence_seconds} s",
            "<= 240 s at medium",
            evidence_seconds <= 240 if big else None,
        ),
    ]


def key_figures(size: dict) -> dict[str, float]:
    """What growth is read on: size, time, requests, memory."""
    ours = _peer(size, OURS, "crm.activity.list")
    first = size["pipeline"]["runs"][0]
    return {
        "deals": size["transform"]["deals"],
        "activities": size["transform"]["activities"],
        "activities read under the limits, s": ours["seconds"],
        "activities read, requests": ours["requests"],
        "first load, s": first["seconds"],
        "first load, requests": first["requests"],
        "incremental after a day, requests": _run(size, "incremental, one")["requests"],
        "incremental after a day, s": _run(size, "incremental, one")["seconds"],
        "dbt build, s": size["transform"]["dbt_build_seconds"],
        "dbt build peak, MB": size["transform"]["dbt_peak_rss_mb"],
        "Evidence sources, s": size["report_site"]["steps"]["sources"]["seconds"],
        "Evidence build, s": _build(size)["seconds"],
        "Evidence build peak, MB": _build(size)["peak_rss_mb"],
        "site, MB": size["report_site"]["site_mb"],
        "data shipped, MB": size["report_site"]["data_mb"],
        "refresh run (change to site), s": size["end_to_end"]["refresh_run_seconds"],
    }


def growth(small: dict, large: dict) -> list[dict]:
    before, after = key_figures(small), key_figures(large)
    return [
        {
            "figure": name,
            small["size"]: before[name],
            large["size"]: after[name],
            "ratio": round(after[name] / before[name], 2) if before[name] else None,
        }
        for name in before
    ]


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def markdown(report: dict) -> str:
    size = report["sizes"][report["size"]]
    lines = [
        f"# Benchmarks at {report['size']} (scale {size['scale']:g}): "
        f"{size['transform']['deals']:,} deals, {size['transform']['activities']:,} activities",
        "",
        "## Targets",
        "",
    ]
    verdict = {True: "met", False: "MISSED", None: "n/a at this size"}
    lines += _table(
        ["target", "figure", "goal", ""],
        [[t["target"], t["figure"], t["goal"], verdict[t["met"]]] for t in report["targets"]],
    )
    side = size["side_by_side"]
    lines += [
        "",
        f"## Extraction side by side (standard plan: 2 req/s, real cost model, "
        f"{side['limits']['operating_limit']} s operating limit; peers stopped at "
        f"{side['budget_seconds_per_list']:g} s; ceiling {side['ceiling_rows_per_request']:,} "
        f"rows/request, {side['ceiling_rows_per_second']:,} rows/s)",
        "",
    ]
    lines += _table(
        [
            "reader",
            "list",
            "outcome",
            "rows read",
            "requests",
            "rows/request",
            "rows/s",
            "s",
            "processing charged, s",
            "blocked by limit, s",
            "peak MB",
            "whole list, s",
        ],
        [
            [
                r["reader"],
                r["list"],
                r["outcome"],
                _number(r["rows_read"]),
                _number(r["requests"]),
                r["rows_per_request"],
                r["rows_per_second"],
                r["seconds"],
                r["processing_seconds_charged"],
                r["seconds_blocked_by_operating_limit"],
                r["peak_rss_mb"],
                r["seconds_for_whole_list"],
            ]
            for r in side["results"]
        ],
    )
    edits = size["under_edits"]
    lines += [
        "",
        f"## Correctness while the portal changes ({edits['list']}, a change before "
        f"{edits['edit_share_of_list_calls']:.0%} of list calls)",
        "",
    ]
    lines += _table(
        ["reader", "deals at start", "rows read", "lost", "read twice"],
        [
            [r["reader"], r["deals_at_start"], r["rows_read"], r["lost"], r["duplicated"]]
            for r in edits["results"]
        ],
    )
    pipeline = size["pipeline"]
    lines += ["", "## The pipeline (dlt into DuckDB)", ""]
    lines += _table(
        ["run", "s", "requests", "rows read"],
        [
            [r["run"], r["seconds"], r["requests"], _number(r["rows_read"])]
            for r in pipeline["runs"]
        ],
    )
    lines += [
        "",
        f"First load: {pipeline['raw_rows']:,} raw rows, {pipeline['rows_per_request_first_load']}"
        f" rows/request, peak {pipeline['peak_rss_mb']} MB (portal server included). "
        "Incremental runs: standard plan, real cost model and operating limit.",
        "",
        "## Transform, reports, end to end",
        "",
    ]
    transform, site, e2e = size["transform"], size["report_site"], size["end_to_end"]
    lines += _table(
        ["step", "s", "peak MB", "notes"],
        [
            [
                "dbt build",
                transform["dbt_build_seconds"],
                transform["dbt_peak_rss_mb"],
                transform["dbt_summary"],
            ],
            [
                "Evidence sources",
                site["steps"]["sources"]["seconds"],
                site["steps"]["sources"]["peak_rss_mb"],
                "",
            ],
            [
                "Evidence build:strict",
                _build(size)["seconds"],
                _build(size)["peak_rss_mb"],
                f"{site['pages']} pages, site {site['site_mb']} MB, data {site['data_mb']} MB",
            ],
            [
                "change on the portal to the site",
                e2e["refresh_run_seconds"],
                "",
                f"refresh run; with the schedule ({e2e['schedule']}) "
                f"{e2e['latency_mean_seconds'] / 60:.1f} min on average, "
                f"{e2e['latency_worst_seconds'] / 60:.1f} min at worst; "
                f"shown on the site: {'yes' if e2e['change_on_site'] else 'NO'}",
            ],
        ],
    )
    if report["growth"]:
        other = next(s for s in report["sizes"] if s != report["size"])
        lines += ["", f"## Growth from {other} to {report['size']}", ""]
        lines += _table(
            ["figure", other, report["size"], "ratio"],
            [
                [g["figure"], _number(g[other]), _number(g[report["size"]]), g["ratio"]]
                for g in report["growth"]
            ],
        )
    lines += ["", f"Whole suite: {report['suite_seconds'] / 60:.0f} min."]
    return "\n".join(lines)
