"""The layer contract of docs/architecture.md, checked by import-linter on every run."""

from __future__ import annotations

import configparser
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from importlinter.cli import lint_imports

from woken.config import REPOSITORY_ROOT

CONTRACT_FILE = REPOSITORY_ROOT / ".importlinter"
PACKAGE = REPOSITORY_ROOT / "woken"


def contract_modules() -> set[str]:
    """The packages and modules of the one layered chain."""
    parser = configparser.ConfigParser()
    parser.read(CONTRACT_FILE)
    return set(parser.get("importlinter:contract:layers", "layers").split())


def top_modules() -> set[str]:
    names = {p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    names |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    return {f"woken.{name}" for name in names}


@contextmanager
def loggers_kept() -> Iterator[None]:
    """import-linter configures logging and disables every logger that exists: undo it."""
    enabled = [logger for logger in logging.root.manager.loggerDict.values()
               if isinstance(logger, logging.Logger) and not logger.disabled]
    try:
        yield
    finally:
        for logger in enabled:
            logger.disabled = False


def test_the_layer_contracts_are_kept() -> None:
    with loggers_kept():
        assert lint_imports(config_filename=str(CONTRACT_FILE), no_cache=True, no_logo=True) == 0


def test_every_module_of_woken_belongs_to_a_layer() -> None:
    unlisted = top_modules() - contract_modules()
    assert not unlisted, f"add {sorted(unlisted)} to a layer in .importlinter"


def test_the_contract_names_only_modules_that_exist() -> None:
    assert contract_modules() - top_modules() == set()
