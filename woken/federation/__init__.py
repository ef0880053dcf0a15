"""Federated Woken: one query over many hospitals' sites, where no patient row leaves its site.

Two roles, both a plain ``woken serve``:

- a **site** holds one hospital's features database. To a central that presents the
  site's bearer token it runs the *local steps* of the federated algorithms
  (``woken.federation.methods``) on its own rows and answers aggregates only: sums,
  cross-products, counts, never a row. A site with fewer usable rows than
  ``min_rows`` refuses; cells (histogram bins, category counts) under
  ``min_cell_count`` are masked before they leave.
- a **central** lists its sites in its configuration (URL, token, TLS). It sends each
  round of an algorithm to every site holding one of the requested datasets, and runs
  the *global step* on the sums (``woken.federation.central``).

Every federated algorithm is exact: its result equals the same computation on the
pooled rows (the integration tests check it to ``rtol=1e-6``).
"""

from woken.federation.central import Central
from woken.federation.methods.catalogue import catalogue_answer
from woken.federation.query import parse_query
from woken.federation.site import NotASite, check_token

__all__ = ["Central", "NotASite", "catalogue_answer", "check_token", "parse_query"]
