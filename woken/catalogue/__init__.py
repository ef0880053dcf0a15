"""The algorithm catalogue: each algorithm's manifest read into a spec, and the registry of them.

- :mod:`.registry`: ``Registry.load(algorithms_dir)``, ``AlgorithmSpec``, the manifest's
  parameters and validations;
- :mod:`.docker_images`: what a Docker image name may be.
"""

from woken.catalogue.docker_images import IMAGE_PATTERN
from woken.catalogue.registry import (
    BATCHED_COMMAND,
    VALIDATIONS,
    AlgorithmSpec,
    Registry,
    parse_manifest,
)

__all__ = [
    "BATCHED_COMMAND", "IMAGE_PATTERN", "VALIDATIONS", "AlgorithmSpec", "Registry",
    "parse_manifest",
]
