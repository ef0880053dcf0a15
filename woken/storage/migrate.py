"""Run woken-db's Alembic migrations from Python (start-up, `woken migrate`, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

# Inside the package, so that an installed wheel carries them (alembic.ini at the
# repository's root points here too, for the `alembic` command of a developer).
MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")


def alembic_config(url: str) -> AlembicConfig:
    """Alembic's settings for ``url``, with no alembic.ini (an installed Woken has none)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    # ConfigParser interpolation: a '%' in a password must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    # The service configures its own logging; Alembic's fileConfig would replace it.
    config.attributes["configure_logging"] = False
    return config


def upgrade_to_head(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def check_models_match_migrations(url: str) -> None:
    """Raise if the models hold a change no migration makes (`alembic check`)."""
    command.check(alembic_config(url))
