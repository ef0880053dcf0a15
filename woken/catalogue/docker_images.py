"""Docker image references, as the catalogue and every container backend check them."""

from __future__ import annotations

import re

# Docker image reference: [registry/]name[:tag][@digest]; a tag is required (no `latest` drift).
IMAGE_PATTERN = re.compile(
    r"[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?"
)
