"""Run woken-db's Alembic migrations from Python (start-up, `woken migrate`, tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig

from woken.config import REPOSITORY_ROOT


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig(str(REPOSITORY_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPOSITORY_ROOT / "migrations"))
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
