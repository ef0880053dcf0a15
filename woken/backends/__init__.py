"""Where jobs run: one interface (`base.Backend`), several implementations.

- :mod:`.local`: each job a local process (exec'd, or forked from the warm
  :mod:`.fork_server` through :mod:`.launch`);
- :mod:`.chronos`, :mod:`.dask_backend` (with :mod:`.dask_warm`),
  :mod:`.kubernetes_backend`: each job a Chronos job, a Dask task, a Kubernetes Job.
  They need extras (``woken[dask]``, ``woken[kubernetes]``), so this face does not
  import them: ``woken.system.lifecycle`` imports the one configured;
- :mod:`.job_table`: the jobs a backend knows (local, Dask and Kubernetes share it);
- :mod:`.job_process`: a job's process (shipped by value to Dask workers);
- :mod:`.logs`, :mod:`.log_files`: the tail of a job's stderr, a job's logs.
"""

from woken.backends.base import Backend, JobSpec, JobStatus
from woken.backends.job_table import JobTable
from woken.backends.local import LAUNCHERS, LocalBackend
from woken.backends.log_files import read_log

__all__ = [
    "LAUNCHERS", "Backend", "JobSpec", "JobStatus", "JobTable", "LocalBackend", "read_log",
]
