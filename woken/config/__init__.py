"""Every setting of Woken, one settings object per section: a leaf of the import graph.

- :mod:`.settings`: ``Config`` (the service's settings), ``load_config`` (defaults < TOML
  file < ``WOKEN_*`` environment < explicit overrides), the allowed ranges;
- :mod:`.chronos`: the ``[backend.chronos]`` section; :mod:`.dask`: ``[backend.dask]``;
- the ``[limits]`` section: ``RequestLimits``.

This package imports no other Woken module but :mod:`woken.errors`: every part of the
service may read its settings, and the settings know none of them.
"""

from woken.config.chronos import ChronosSettings
from woken.config.dask import DaskSettings
from woken.config.limits import RequestLimits
from woken.config.settings import (
    ALGORITHMS_DIR,
    REPOSITORY_ROOT,
    Config,
    environment_variables,
    load_config,
)

__all__ = [
    "ALGORITHMS_DIR", "REPOSITORY_ROOT", "ChronosSettings", "Config", "DaskSettings",
    "RequestLimits", "environment_variables", "load_config",
]
