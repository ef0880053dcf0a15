"""woken-db: the results (`job_result`, wire-compatible) and the jobs Woken coordinates.

:mod:`.tables` (the SQLAlchemy tables), :mod:`.database` (``WokenDatabase``),
:mod:`.leases` (which instance owns what), :mod:`.statistics`, :mod:`.urls`, and
:mod:`.migrate` with :mod:`.migrations` (Alembic; imported on use, not here).
"""

from woken.storage.database import ResultRow, StoredResult, WokenDatabase
from woken.storage.leases import Claim, Leases, lease_expiry
from woken.storage.statistics import Timed, experiment_timings, job_timings
from woken.storage.tables import Experiment, Job, utc_now
from woken.storage.urls import engine_url

__all__ = [
    "Claim", "Experiment", "Job", "Leases", "ResultRow", "StoredResult", "Timed",
    "WokenDatabase", "engine_url", "experiment_timings", "job_timings", "lease_expiry",
    "utc_now",
]
