"""Log records as JSON lines, with the experiment and job they are about as fields.

The ids come from the record's `extra` (`experiment_id`, `job_id`) when a caller gives
them, else from the message: Woken's log lines name them as "experiment <uuid>" and
"job <uuid>", so a log collector can select one experiment's or one job's lines.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from woken.errors import ConfigurationError

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Whose INFO lines an operator reads: Woken's own and the request log. Other libraries
# (Alembic's plugin set-up, ...) are shown from WARNING, or everything at DEBUG.
OWN_LOGGERS = ("woken", "aiohttp.access")
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_NAMED = {
    "experiment_id": re.compile(rf"\bexperiment\s+({_UUID})"),
    "job_id": re.compile(rf"\bjob\s+({_UUID})"),
}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, and the ids it names."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        document: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
        }
        for field, pattern in _NAMED.items():
            value = getattr(record, field, None)
            if value is None:
                found = pattern.search(message)
                value = found.group(1) if found else None
            if value is not None:
                document[field] = value
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, ensure_ascii=False)


class LibraryChatter(logging.Filter):
    """Drop the INFO lines of third-party libraries, unless the level is DEBUG."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING or self.level <= logging.DEBUG:
            return True
        return any(record.name == own or record.name.startswith(f"{own}.")
                   for own in OWN_LOGGERS)


def configure_logging(level_name: str) -> None:
    """Log to stderr at ``level_name`` (the text format until the configuration is read)."""
    level = logging.getLevelName(level_name.upper())
    if not isinstance(level, int):
        raise ConfigurationError(
            f"--log-level must be one of DEBUG, INFO, WARNING, ERROR, got {level_name!r}")
    logging.basicConfig(level=level, format=TEXT_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.addFilter(LibraryChatter(level))


def use_log_format(name: str) -> None:
    """Switch the root logger's handlers to the configured format."""
    if name not in FORMATS:
        raise ConfigurationError(f"log_format must be one of {', '.join(FORMATS)}, got {name!r}")
    formatter = JsonFormatter() if name == "json" else logging.Formatter(TEXT_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
