"""The HTTP handlers, one module per resource; :mod:`woken.api.app` routes to them.

- :mod:`.mining`: ``/mining/job`` (one algorithm, or a data selection);
- :mod:`.experiments`: ``/mining/experiment`` and the experiments' progress and list;
- :mod:`.jobs`, :mod:`.logs`: single jobs and their logs;
- :mod:`.models`: trained models, their cards, files and predictions;
- :mod:`.leaderboard`: an experiment's leaderboard as CSV;
- :mod:`.metadata`: data sets and variables;
- :mod:`.docs`, :mod:`.page`: the OpenAPI document and the web page.
"""

from woken.api.handlers import (
    docs,
    experiments,
    jobs,
    leaderboard,
    logs,
    metadata,
    mining,
    models,
    page,
)

__all__ = [
    "docs", "experiments", "jobs", "leaderboard", "logs", "metadata", "mining", "models", "page",
]
