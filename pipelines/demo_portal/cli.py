"""`demo-portal`: run the demo portal, or move a running portal's clock.

demo-portal serve --port 8924 [--seed 42] [--scale 1] [--tls]
demo-portal advance --url http://127.0.0.1:8924/rest/1/<secret>/ --days 1
"""

import argparse
import contextlib
import json
import signal
import sys
import threading
from urllib.parse import urlsplit

import requests

from pipelines import config

from . import company
from .server import DemoPortal


def serve(args: argparse.Namespace) -> int:
    path = company.ensure(config.demo_portal_file(args.seed, args.scale), args.seed, args.scale)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        portal = DemoPortal(
            path,
            port=args.port,
            tls=args.tls,
            rate_limit=args.rate_limit,
            cost_scale=args.cost_scale,
            faults=args.faults,
            seed=args.seed,
            operating_limit=args.operating_limit or None,
        )
    except (ValueError, OSError) as err:
        print(f"demo-portal: {err}", file=sys.stderr)
        return 2
    with portal:
        print(f"Demo portal ready. Webhook URL: {portal.webhook_url}", flush=True)
        if portal.certificate:
            print(f"TLS certificate (REQUESTS_CA_BUNDLE): {portal.certificate}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


def advance(args: argparse.Namespace) -> int:
    if args.days is None:
        args.days = 0 if args.minutes else 1
    parts = urlsplit(args.url)
    if not parts.scheme or not parts.netloc:
        print(f"Not a URL: {args.url!r} (give the webhook URL `serve` printed)", file=sys.stderr)
        return 2
    try:
        response = requests.post(
            f"{parts.scheme}://{parts.netloc}/_demo/advance",
            json={"days": args.days, "minutes": args.minutes},
            timeout=600,
        )
    except requests.RequestException as err:
        print(f"No demo portal at {parts.netloc}: {type(err).__name__}", file=sys.stderr)
        return 1
    body = response.json()
    if response.status_code != 200:
        print(f"advance failed: {body.get('error_description', body)}", file=sys.stderr)
        return 1
    print(json.dumps(body, ensure_ascii=False, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="demo-portal",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve the demo portal on 127.0.0.1")
    run.add_argument("--port", type=int, default=8924)
    run.add_argument("--seed", type=int, default=config.DEMO_SEED)
    run.add_argument("--scale", type=float, default=config.demo_scale())
    run.add_argument("--tls", action="store_true", help="https with a generated certificate")
    run.add_argument(
        "--rate-limit",
        choices=["standard", "enterprise", "off"],
        default="standard",
        help="leaky bucket: 2 req/s burst 50, or 5/250",
    )
    run.add_argument("--scopes", help="comma-separated scopes the webhook has (default all)")
    run.add_argument("--faults", help="e.g. 5xx=0.1,drop=0.05,edits=0.1 (see faults.py)")
    run.add_argument(
        "--cost-scale",
        type=float,
        default=1.0,
        help="share of the modelled server cost really spent (1 = real portal)",
    )
    run.add_argument(
        "--operating-limit",
        type=float,
        default=480,
        help="processing seconds per method per 10 minutes; 0 turns it off",
    )
    run.set_defaults(handler=serve)
    move = commands.add_parser("advance", help="move a running demo portal's clock forward")
    move.add_argument("--url", required=True, help="the webhook URL `serve` printed")
    move.add_argument("--days", type=int, default=None, help="working days (default 1)")
    move.add_argument("--minutes", type=int, default=0, help="and minutes, under a day")
    move.set_defaults(handler=advance)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
