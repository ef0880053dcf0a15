"""The `woken` command: serve, migrate, load-data, algorithms; and a client of a running Woken.

Global options (--config, --data-dir, --log-level) go before or after the sub-command:
`woken --data-dir X serve` and `woken serve --data-dir X` are the same. Every failure
is one line on stderr and a non-zero exit status; the traceback goes to the debug log.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import sys
from pathlib import Path

from woken import __version__
from woken.cli.allocator import use_serve_allocator
from woken.cli.client import CLIENT_COMMANDS, add_client_commands, run_client
from woken.cli.load import add_load_arguments, load_data
from woken.cli.log_format import configure_logging, use_log_format
from woken.config import Config, load_config
from woken.errors import ConfigurationError, WokenError

log = logging.getLogger("woken")

# Exit statuses: 2 a configuration or usage mistake, 1 anything else that stopped the
# command, 141 (128 + SIGPIPE) when the reader of stdout went away, as shell tools do.
EXIT_FAILED, EXIT_CONFIGURATION, EXIT_BROKEN_PIPE = 1, 2, 141


def global_options(defaults: bool) -> argparse.ArgumentParser:
    """The global options, for the main parser (with defaults) and every sub-command.

    A sub-command's copy has no defaults (SUPPRESS), so that it only overrides what the
    main parser read when the option is given after the sub-command.
    """
    parser = argparse.ArgumentParser(add_help=False)
    default = (lambda value: value) if defaults else (lambda _: argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, default=default(None),
                        help="TOML configuration file")
    parser.add_argument("--data-dir", type=Path, default=default(None),
                        help="where Woken keeps its files (default: ./var, or WOKEN_DATA_DIR)")
    parser.add_argument("--log-level", default=default("INFO"))
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="woken", description=__doc__, parents=[global_options(defaults=True)],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = [global_options(defaults=False)]
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service", parents=common)
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8087)")

    commands.add_parser("migrate", help="create or upgrade woken-db to the latest schema",
                        parents=common)

    load = commands.add_parser(
        "load-data", help="load a data package, a CSV file or the bundled data sets",
        description="Load PATH (a Frictionless data package, its folder, or a CSV file) "
        "into a features database in one transaction; or, given data set names or nothing, "
        "the bundled data sets.", parents=common)
    add_load_arguments(load)

    commands.add_parser("algorithms", help="print the algorithm catalogue as JSON",
                        parents=common)
    # The client of a running Woken: submit, experiments, show, cancel, logs, predict.
    add_client_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        configure_logging(args.log_level)
    except ConfigurationError as error:
        return fail(error, EXIT_CONFIGURATION)
    if args.command in CLIENT_COMMANDS:
        return run_client(args)  # HTTP only: no configuration, no data directory
    try:
        return run(args)
    except ConfigurationError as error:
        return fail(error, EXIT_CONFIGURATION)
    except BrokenPipeError:
        # Python would print a traceback when it flushes stdout at exit: point it elsewhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return fail("the output was closed before the end (broken pipe)", EXIT_BROKEN_PIPE)
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_FAILED)
    except Exception as error:
        log.debug("the command failed", exc_info=True)
        return fail(error, EXIT_FAILED)


def run(args: argparse.Namespace) -> int:
    if args.command == "serve":
        use_serve_allocator()  # may run this command again, with PYTHONMALLOC set
    config = load_config(args.config, data_dir=args.data_dir)
    use_log_format(config.log_format)
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
        from woken.catalogue.registry import Registry

        json.dump(Registry.load(config.algorithms_dir).catalogue(), sys.stdout, indent=2)
        print()
        sys.stdout.flush()  # a closed pipe is seen here, inside the error handling
        return 0
    return EXIT_CONFIGURATION


def fail(error: BaseException | str, status: int) -> int:
    print(f"woken: {one_line(error)}", file=sys.stderr)
    return status


def one_line(error: BaseException | str) -> str:
    """The first line of an error: a database error's SQL and parameters stay out of it."""
    if isinstance(error, str):
        return error
    cause = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error
    text = str(cause).strip().splitlines()
    first = text[0] if text else ""
    if isinstance(error, WokenError):
        return first
    return f"{type(cause).__name__}: {first}" if first else type(cause).__name__


def serve_forever(config: Config) -> int:
    # Bound before anything starts: a port in use stops Woken before it touches woken-db.
    listener = listening_socket(config.host, config.port)
    from aiohttp import web

    from woken.api.app import create_app

    web.run_app(create_app(config), sock=listener,
                print=lambda message: log.info(message.strip() or "serving"))
    return 0


def listening_socket(host: str, port: int) -> socket.socket:
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError as error:
        raise ConfigurationError(
            f"cannot listen on {host}:{port}: {error.strerror or error}"
        ) from None
    return listener


if __name__ == "__main__":
    sys.exit(main())
