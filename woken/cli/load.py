"""``woken load-data``: a data package or CSV file, or the bundled data sets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from woken.errors import WokenError

# Arguments that name a file rather than a bundled data set even when it does not exist
# (so that a typo in a path says "no such file", not "unknown bundled dataset").
_PATH_SUFFIXES = (".csv", ".json", ".tsv")


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    from woken.features.nominal import NOMINAL_MAX_VALUES

    parser.add_argument("--features-db-url", help="SQLAlchemy URL (default: the configured one)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--replace", action="store_true",
                      help="replace the table (or the bundled data sets) if already there")
    mode.add_argument("--append", action="store_true",
                      help="add the rows to the existing table (same columns)")
    parser.add_argument("--table", help="the table's name (default: the CSV file's or the "
                        "resource's name; for one table only)")
    parser.add_argument("--metadata", type=Path, help="a JSON list of variables (code, label, "
                        "type, enumerations, description) that overrides the Table Schema")
    parser.add_argument("--nominal-max-values", type=int, default=NOMINAL_MAX_VALUES,
                        help="a string column with at most this many distinct values becomes "
                        f"nominal (default {NOMINAL_MAX_VALUES}; 0: never)")
    parser.add_argument("targets", nargs="*", metavar="PATH | DATASET",
                        help="a datapackage.json, its folder or a CSV file; or bundled data "
                        "set names (default: all of them)")


def load_data(args: argparse.Namespace, url: str) -> int:
    """Run the command; a bad input is one line on stderr and exit status 1, no traceback."""
    import sqlalchemy as sa

    try:
        if len(args.targets) == 1 and _is_path(args.targets[0]):
            return _load_path(args, Path(args.targets[0]), url)
        return _load_bundled(args, url)
    except WokenError as error:
        print(f"woken load-data: {error}", file=sys.stderr)
        return 1
    except sa.exc.SQLAlchemyError as error:
        print(f"woken load-data: the features database refused the load: "
              f"{str(error.orig if hasattr(error, 'orig') else error).strip()}", file=sys.stderr)
        return 1


def _is_path(target: str) -> bool:
    return Path(target).exists() or target.endswith(_PATH_SUFFIXES) or "/" in target


def _load_path(args: argparse.Namespace, path: Path, url: str) -> int:
    from tqdm import tqdm

    from woken.features.engine import create_features_engine
    from woken.features.load_files import LoadOptions, Mode, load_sources, open_sources

    mode = Mode.REPLACE if args.replace else Mode.APPEND if args.append else Mode.CREATE
    options = LoadOptions(table=args.table, mode=mode, metadata=args.metadata,
                          nominal_max_values=args.nominal_max_values)
    sources = open_sources(path, args.table)
    total = sum(source.estimated_rows() or 0 for source in sources)
    engine = create_features_engine(url)
    try:
        # On stderr, and only on a terminal (disable=None): the summary is what stdout says.
        with tqdm(total=total or None, unit=" rows", disable=None, file=sys.stderr) as bar:
            summary = load_sources(engine, sources, options, bar.update)
    finally:
        engine.dispose()
    print("\n".join(summary.lines()))
    return 0


def _load_bundled(args: argparse.Namespace, url: str) -> int:
    from woken.features.loading import load_datasets

    for option in ("append", "table", "metadata"):
        if getattr(args, option):
            print(f"woken load-data: --{option} is for loading a PATH, not the bundled data sets",
                  file=sys.stderr)
            return 2
    loaded = load_datasets(url, args.targets or None, replace=args.replace)
    print(f"loaded: {', '.join(loaded) or 'nothing (already there)'}")
    return 0
