"""`demo-portal serve`: run the demo portal until interrupted, printing its webhook URL."""

import argparse
import contextlib
import signal
import sys
import threading

from pipelines import config

from . import company
from .server import DemoPortal


def serve(args: argparse.Namespace) -> int:
    path = company.ensure(config.demo_portal_file(args.seed, args.scale), args.seed, args.scale)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with DemoPortal(path, port=args.port) as portal:
        print(f"Demo portal ready. Webhook URL: {portal.webhook_url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo-portal", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve the demo portal on 127.0.0.1")
    run.add_argument("--port", type=int, default=8924)
    run.add_argument("--seed", type=int, default=config.DEMO_SEED)
    run.add_argument("--scale", type=float, default=config.demo_scale())
    args = parser.parse_args(argv)
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
