"""The `woken` command: serve, migrate, load-data, algorithms."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from woken.cli_load import add_load_arguments, load_data
from woken.config import Config, load_config
from woken.errors import ConfigurationError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="woken", description=__doc__)
    parser.add_argument("--config", type=Path, help="TOML configuration file")
    parser.add_argument("--data-dir", type=Path, help="where Woken keeps its files "
                        "(default: ./var, or WOKEN_DATA_DIR)")
    parser.add_argument("--log-level", default="INFO")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8087)")

    commands.add_parser("migrate", help="create or upgrade woken-db to the latest schema")

    load = commands.add_parser(
        "load-data", help="load a data package, a CSV file or the bundled data sets",
        description="Load PATH (a Frictionless data package, its folder, or a CSV file) "
        "into a features database in one transaction; or, given data set names or nothing, "
        "the bundled data sets.")
    add_load_arguments(load)

    commands.add_parser("algorithms", help="print the algorithm catalogue as JSON")

    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = load_config(args.config, data_dir=args.data_dir)
        if args.command == "serve":
            return serve_forever(config.with_overrides(host=args.host, port=args.port))
        if args.command == "migrate":
            from woken.storage.migrate import upgrade_to_head

            config.data_dir.mkdir(parents=True, exist_ok=True)
            upgrade_to_head(config.woken_db)
            return 0
        if args.command == "load-data":
            config.data_dir.mkdir(parents=True, exist_ok=True)
            return load_data(args, args.features_db_url or config.features_db)
        if args.command == "algorithms":
            from woken.registry import Registry

            json.dump(Registry.load(config.algorithms_dir).catalogue(), sys.stdout, indent=2)
            print()
            return 0
    except ConfigurationError as error:
        print(f"woken: {error}", file=sys.stderr)
        return 2
    return 2


def serve_forever(config: Config) -> int:
    from aiohttp import web

    from woken.api.app import create_app

    web.run_app(create_app(config), host=config.host, port=config.port,
                print=lambda message: logging.getLogger("woken").info(message))
    return 0


if __name__ == "__main__":
    sys.exit(main())
