"""The central's side: where each dataset lives, and a federated run over those sites.

A run sends each round of an algorithm to every site holding one of the requested
datasets, at once, and waits for all of them (each call has its own timeout, so
nothing waits longer than the slowest site's timeout). Then k-fold validation
(each fold's model fit federated on every site's training folds, scored on every
site's test fold) and remote validation (the model scored at the sites holding the
validation datasets). The answer reports, per site, the requests it answered, the
bytes it sent and the rows that left it: zero, since a site answers sums only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from woken.algorithms.federatedStep.scoring import SCORE
from woken.config.federation import FederationSettings
from woken.errors import BadRequest
from woken.federation.client import SiteClient, SiteUnavailable
from woken.federation.methods.base import Aggregates, MethodRequest
from woken.federation.methods.catalogue import federated_method, predictive_method
from woken.federation.methods.naive_bayes import SiteMasked
from woken.federation.methods.scoring import scores_of
from woken.federation.query import FederatedQuery

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Placement:
    """One site and the requested datasets it holds."""

    site: SiteClient
    datasets: list[str]


class SiteRounds:
    """:class:`~woken.federation.methods.base.Rounds` over some sites, all at once."""

    def __init__(self, placements: Sequence[Placement], filters: Any,
                 rows: dict[str, Any] | None = None) -> None:
        self.placements = list(placements)
        self.filters = filters
        self.rows = rows
        self.rows_summarised: dict[str, int] = {}

    def ask(self, step: str, params: dict[str, Any]) -> list[Aggregates]:
        params = {**params, "rows": self.rows}
        with ThreadPoolExecutor(max_workers=len(self.placements)) as pool:
            futures = [pool.submit(p.site.step, step, p.datasets, params, self.filters)
                       for p in self.placements]
            answers = [future.result() for future in futures]
        for placement, answer in zip(self.placements, answers, strict=True):
            self.rows_summarised[placement.site.name] = int(answer.get("rows", 0))
        return [answer["aggregates"] for answer in answers]

    def run(self, method_code: str, request: MethodRequest) -> dict[str, Any]:
        try:
            return federated_method(method_code).run(self, request)
        except SiteMasked as masked:
            site = self.placements[masked.position].site.name
            raise BadRequest(f"site '{site}' masks {masked.what}: the result would not be "
                             "exact", {"site": site, "reason": f"{masked.what} masked"}
                             ) from None


class Central:
    """A central Woken's sites, for one request (its clients count what each site sent)."""

    def __init__(self, settings: FederationSettings) -> None:
        self.settings = settings
        self.sites = [SiteClient(site, settings.site_timeout_s) for site in settings.site_list()]
        # The sites that did not answer the last catalogue, and why.
        self.unreachable: dict[str, str] = {}

    def close(self) -> None:
        for site in self.sites:
            site.close()

    def catalogue(self) -> list[tuple[SiteClient, list[dict[str, Any]]]]:
        """Every reachable site's datasets (asked at once); the others in ``unreachable``."""
        def ask(site: SiteClient) -> list[dict[str, Any]] | SiteUnavailable:
            try:
                return site.datasets()
            except SiteUnavailable as error:
                return error

        with ThreadPoolExecutor(max_workers=max(1, len(self.sites))) as pool:
            found = list(pool.map(ask, self.sites))
        self.unreachable = {site.name: str(answer) for site, answer in zip(self.sites, found,
                                                                           strict=True)
                            if isinstance(answer, SiteUnavailable)}
        return [(site, answer) for site, answer in zip(self.sites, found, strict=True)
                if not isinstance(answer, SiteUnavailable)]

    def datasets_answer(self) -> dict[str, Any]:
        """``GET /metadata/datasets`` of a central: each site's datasets, with its location."""
        datasets = [
            {**dataset, "location": {"url": site.settings.url, "site": site.name}}
            for site, found in self.catalogue() for dataset in found
        ]
        return {"datasets": datasets, "unreachableSites": sorted(self.unreachable.values())}

    def variables_answer(self, datasets: Sequence[str], exhaustive: bool) -> dict[str, Any]:
        """The variables of the datasets over their sites: union, or intersection (exhaustive)."""
        placements = self.place(list(datasets) or self._all_datasets())
        per_site = [p.site.variables(p.datasets, exhaustive) for p in placements]
        codes_per_site = [{v["code"] for v in variables} for variables in per_site]
        keep = set.intersection(*codes_per_site) if exhaustive else set.union(*codes_per_site)
        merged: dict[str, dict[str, Any]] = {}
        for variables in per_site:
            for variable in variables:
                if variable["code"] not in keep:
                    continue
                if variable["code"] in merged:
                    # The same variable at another site: its datasets are added.
                    merged[variable["code"]]["datasets"] += variable.get("datasets", [])
                else:
                    merged[variable["code"]] = {**variable,
                                                "datasets": list(variable.get("datasets", []))}
        return {"variables": list(merged.values()), "exhaustive": exhaustive}

    def _all_datasets(self) -> list[str]:
        return [str(d.get("code")) for _, found in self.catalogue() for d in found]

    def place(self, datasets: Sequence[str]) -> list[Placement]:
        """The sites holding the datasets; BadRequest naming every dataset no site holds."""
        holder: dict[str, SiteClient] = {}
        for site, found in self.catalogue():
            for dataset in found:
                holder.setdefault(str(dataset.get("code")), site)
        unknown = [code for code in datasets if code not in holder]
        if unknown and self.unreachable:
            # The dataset may be at a site that did not answer: say which and why.
            raise SiteUnavailable(
                ", ".join(sorted(self.unreachable)),
                f"did not list its datasets, and no other site holds {', '.join(unknown)}: "
                + "; ".join(self.unreachable.values()))
        if unknown:
            raise BadRequest(f"no site holds dataset(s) {', '.join(unknown)}")
        placements: dict[str, Placement] = {}
        for code in datasets:
            site = holder[code]
            placements.setdefault(site.name, Placement(site, [])).datasets.append(code)
        return list(placements.values())

    def run(self, query: FederatedQuery) -> dict[str, Any]:
        """Every algorithm of the query, with its validations, and what each site sent."""
        for choice in query.algorithms:
            method = federated_method(choice.code)
            if (query.k or query.validation_datasets) and not hasattr(method, "problem"):
                log.info("%s is not predictive: no validation", choice.code)
        training = self.place(query.datasets)
        held_out = self.place(query.validation_datasets) if query.validation_datasets else []
        results = [self._run_one(query, choice.code, choice.parameters, training, held_out)
                   for choice in query.algorithms]
        return {"results": results, "transfer": self.transfer()}

    def site_status(self, failed_site: str | None = None, reason: str | None = None
                    ) -> dict[str, Any]:
        """Each site's part in the last run: answered, failed (and why), or not asked."""
        status: dict[str, Any] = {}
        for site in self.sites:
            names = {name.strip() for name in (failed_site or "").split(",")}
            state = ("failed" if site.name in names
                     else "unreachable" if site.name in self.unreachable
                     else "answered" if site.requests else "not asked")
            status[site.name] = {
                "state": state, "requests": site.requests, "bytes_sent": site.bytes_received,
                "rows_sent": 0,
                "reason": reason if state == "failed" else self.unreachable.get(site.name),
            }
        return status

    def transfer(self) -> dict[str, Any]:
        return {site.name: {"requests": site.requests, "bytes_sent": site.bytes_received,
                            "rows_sent": 0}
                for site in self.sites if site.requests}

    def _run_one(self, query: FederatedQuery, code: str, parameters: dict[str, Any],
                 training: list[Placement], held_out: list[Placement]) -> dict[str, Any]:
        request = MethodRequest(query.variables, query.covariables, parameters)
        rounds = SiteRounds(training, query.filters)
        result: dict[str, Any] = {"algorithm": code, "data": rounds.run(code, request),
                                  "rows_per_site": dict(rounds.rows_summarised)}
        if not hasattr(federated_method(code), "problem"):
            return result
        validations: dict[str, Any] = {}
        if query.k:
            validations["kfold"] = self._kfold(query, code, request, training, query.k)
        if held_out:
            score = self._score(query, code, request, result["data"]["model"], held_out, None)
            validations["remote"] = {"datasets": query.validation_datasets,
                                     "scores": scores_of(predictive_method(code).problem, score)}
        if validations:
            result["validations"] = validations
        return result

    def _kfold(self, query: FederatedQuery, code: str, request: MethodRequest,
               training: list[Placement], k: int) -> dict[str, Any]:
        problem = predictive_method(code).problem
        every_fold: list[Aggregates] = []
        folds = []
        for fold in range(k):
            part = {"k": k, "seed": query.seed, "fold": fold}
            model = SiteRounds(training, query.filters, {**part, "use": "train"}).run(
                code, request)["model"]
            counts = self._score(query, code, request, model, training, {**part, "use": "test"})
            every_fold.extend(counts)
            folds.append(scores_of(problem, counts))
        return {"k": k, "seed": query.seed, "average": scores_of(problem, every_fold),
                "folds": {str(i + 1): scores for i, scores in enumerate(folds)}}

    def _score(self, query: FederatedQuery, code: str, request: MethodRequest,
               model: dict[str, Any], placements: list[Placement],
               rows: dict[str, Any] | None) -> list[Aggregates]:
        params = {"algorithm": code, "model": model, "variables": request.variables,
                  "covariables": request.covariables, "parameters": request.parameters}
        return SiteRounds(placements, query.filters, rows).ask(SCORE, params)
