"""The site's side: check the central's token, select this site's rows, run one local step.

The answer is the local step's aggregates and the number of rows they summarise;
the rows themselves stay here. A step on fewer usable rows than ``min_rows`` is
refused (:class:`Refused`), and so is any step name the catalogue does not know.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from woken.config.federation import FederationSettings
from woken.errors import BadRequest, WokenError
from woken.features.database import FeaturesDatabase
from woken.federation.folds import rows_of_part
from woken.federation.local_data import LocalData
from woken.federation.methods.base import Policy
from woken.federation.methods.catalogue import LOCAL_STEPS

log = logging.getLogger(__name__)


class NotASite(WokenError):
    """The request is for a site's local step, and the token is missing or wrong."""


class Refused(BadRequest):
    """The site refuses the step under its privacy policy (too few rows)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, {"refused": True})


def check_token(settings: FederationSettings, authorization: str) -> None:
    """Accept only ``Bearer <site_token>``, compared in constant time."""
    scheme, _, given = authorization.partition(" ")
    expected = settings.site_token.encode()
    if not expected or scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), expected):
        raise NotASite("a federated step needs this site's bearer token")


def run_step(features: FeaturesDatabase, settings: FederationSettings, body: Any
             ) -> dict[str, Any]:
    """One local step on this site's rows of the requested datasets."""
    if not isinstance(body, dict):
        raise BadRequest("the step must be a JSON object")
    step, datasets = body.get("step"), body.get("datasets")
    params = body.get("params")
    if step not in LOCAL_STEPS:
        raise BadRequest(f"unknown federated step {step!r}")
    if not isinstance(datasets, list) or not datasets or not isinstance(params, dict):
        raise BadRequest("a step needs datasets (a list) and params (an object)")
    variables, covariables = params.get("variables"), params.get("covariables", [])
    if not isinstance(variables, list) or not isinstance(covariables, list):
        raise BadRequest("variables and covariables must be lists of codes")
    if not isinstance(params.setdefault("parameters", {}), dict):
        raise BadRequest("params.parameters must be an object")
    codes = [*variables, *covariables]
    metas = features.resolve(datasets, codes)
    selected = features.select(datasets, codes, body.get("filters"))
    data = LocalData.from_rows(metas, selected.rows)
    if params.get("rows") is not None:
        data = data.subset(rows_of_part(data.n, params["rows"]))
    if data.n < settings.min_rows:
        raise Refused(f"{data.n} usable row(s), fewer than this site's min_rows "
                      f"({settings.min_rows})")
    try:
        answer = LOCAL_STEPS[step](data, params, Policy(settings.min_cell_count))
    except (KeyError, TypeError, ValueError, IndexError) as error:
        # Only a central's malformed step gets here (a missing or misshapen parameter).
        raise BadRequest(f"step {step}: malformed parameters ({type(error).__name__})"
                         ) from None
    log.info("federated step %s on %s: %d rows summarised, 0 rows sent", step,
             ",".join(datasets), data.n)
    return {"rows": data.n, "aggregates": answer}
