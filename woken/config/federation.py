"""The ``[federation]`` section of the configuration: this node's role and its sites.

A site sets ``site_token`` (the bearer token its central presents); a central lists
its ``sites``. In TOML::

    [federation]
    site_timeout_s = 30
    [[federation.sites]]
    name = "hospital-a"
    url = "https://site-a.example:8087"
    token = "…"          # the site's own site_token
    verify_tls = true    # or the path of a CA bundle

In the environment, ``WOKEN_FEDERATION_SITES`` holds the same list as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from woken.errors import ConfigurationError

# A site refuses a step computed on fewer rows than this (exareme's privacy threshold).
DEFAULT_MIN_ROWS = 10


@dataclass(frozen=True)
class SiteSettings:
    """One site of a central: its name, URL, bearer token and TLS verification."""

    name: str
    url: str
    token: str
    # True (the system's CAs), False (no verification: tests on loopback only) or a CA file.
    verify_tls: bool | str = True
    # Per-site override of FederationSettings.site_timeout_s (0: use that one).
    timeout_s: float = 0.0

    @classmethod
    def parse(cls, entry: Any, position: int) -> SiteSettings:
        where = f"federation.sites[{position}]"
        if not isinstance(entry, dict):
            raise ConfigurationError(f"configuration {where}: expected a table, got {entry!r}")
        unknown = set(entry) - {"name", "url", "token", "verify_tls", "timeout_s"}
        if unknown:
            raise ConfigurationError(f"configuration {where}: unknown keys {sorted(unknown)}")
        name, url, token = (str(entry.get(key, "")) for key in ("name", "url", "token"))
        if not name or not token:
            raise ConfigurationError(f"configuration {where}: a site needs a name and a token")
        if urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).netloc:
            raise ConfigurationError(f"configuration {where}: url must be http(s)://host:port")
        verify = entry.get("verify_tls", True)
        if not isinstance(verify, bool | str):
            raise ConfigurationError(f"configuration {where}.verify_tls: a boolean or a path")
        try:
            timeout = float(entry.get("timeout_s", 0.0))
        except (TypeError, ValueError) as error:
            raise ConfigurationError(f"configuration {where}.timeout_s: {error}") from error
        if timeout < 0:
            raise ConfigurationError(f"configuration {where}.timeout_s must be >= 0")
        return cls(name=name, url=url.rstrip("/"), token=token, verify_tls=verify,
                   timeout_s=timeout)


@dataclass(frozen=True)
class FederationSettings:
    """This node's part in a federation (none by default: a plain Woken)."""

    # As a site: the bearer token a central must present (empty: not a site).
    site_token: str = ""
    # As a site: refuse a step on fewer usable rows than this.
    min_rows: int = DEFAULT_MIN_ROWS
    # As a site: a count (histogram bin, category) under this is masked before it leaves.
    min_cell_count: int = DEFAULT_MIN_ROWS
    # As a site: a min or max (summary, histogram range) leaves rounded outward to two
    # significant digits, unless this is true (then exact, as 2019's nodes sent them).
    exact_extremes: bool = False
    # As a central: the sites (a list of tables in TOML, of objects in JSON).
    sites: Any = field(default_factory=list)
    # As a central: how long one site may take to answer one step.
    site_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        if self.min_rows < 1 or self.min_cell_count < 1:
            raise ConfigurationError("federation.min_rows and min_cell_count must be >= 1")
        if not self.site_timeout_s > 0:
            raise ConfigurationError("federation.site_timeout_s must be > 0")
        # Checked at start-up: a bad site entry is a configuration error, not a 500 later.
        names = [site.name for site in self.site_list()]
        if len(names) != len(set(names)):
            raise ConfigurationError("federation.sites: two sites have the same name")

    @property
    def is_site(self) -> bool:
        return bool(self.site_token)

    @property
    def is_central(self) -> bool:
        return bool(self.site_list())

    def site_list(self) -> list[SiteSettings]:
        raw = self.sites
        if isinstance(raw, str):
            try:
                raw = json.loads(raw) if raw.strip() else []
            except json.JSONDecodeError as error:
                raise ConfigurationError(f"federation.sites is not JSON: {error}") from error
        if not isinstance(raw, list):
            raise ConfigurationError("federation.sites must be a list of sites")
        return [SiteSettings.parse(entry, i) for i, entry in enumerate(raw)]
