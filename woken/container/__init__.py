"""The service's side of the container contract: a job's volume, its environment, its errors.

- :mod:`.volumes`: create a job's volume, write its inputs, find it, remove old ones;
- :mod:`.job_environment`: the environment variables a job's container gets;
- :mod:`.job_errors`: a failed job's stderr turned into a message for the user.

The other side, what a container reads and writes, is :mod:`woken.algorithms.common`.
"""

from woken.container.job_environment import job_environment
from woken.container.job_errors import installation_paths, user_error
from woken.container.volumes import (
    create_volume,
    remove_expired,
    volume_path,
    write_inputs,
    write_json_atomically,
)

__all__ = [
    "create_volume", "installation_paths", "job_environment", "remove_expired", "user_error",
    "volume_path", "write_inputs", "write_json_atomically",
]
