"""A central's federated run, stored in woken-db as it starts and when it ends.

The run itself is ``woken.federation.central.Central.run`` (synchronous, over the
sites); this module writes its request first, then its result, or its error and the
site that failed, with each site's part (`woken.storage.federated_runs`). A run can be
listed and read back after the fact, and after a restart.
"""

from __future__ import annotations

import uuid
from typing import Any

from woken.errors import WokenError
from woken.federation.central import Central
from woken.federation.query import FederatedQuery
from woken.storage.federated_runs import FederatedRuns
from woken.system.services import Services


def run_federated(services: Services, query: FederatedQuery, request: Any) -> dict[str, Any]:
    """Run ``query`` over the central's sites; its answer, with the stored run's ``id``.

    A failure is stored (its message, the site named) and raised again with the run's id
    in its details.
    """
    runs = FederatedRuns(services.woken_db)
    run_id = str(uuid.uuid4())
    runs.add(run_id, services.config.node, request)
    central = Central(services.config.federation)
    try:
        answer = central.run(query)
    except WokenError as error:
        site = failed_site(error)
        runs.finish(run_id, sites=central.site_status(site, str(error)), error=str(error),
                    failed_site=site)
        error.details = {**(error.details if isinstance(error.details, dict) else {}),
                         "runId": run_id}
        raise
    except BaseException as error:
        # Not a domain error: still no run left "running" for ever.
        runs.finish(run_id, sites=central.site_status(), error=type(error).__name__)
        raise
    finally:
        central.close()
    runs.finish(run_id, sites=central.site_status(), result=answer)
    return {"id": run_id, **answer}


def failed_site(error: WokenError) -> str | None:
    """The site a federated run's error names, if it names one."""
    site = getattr(error, "site", None)
    if site is None and isinstance(error.details, dict):
        site = error.details.get("site")
    return None if site is None else str(site)
