"""The 2019 central Woken's dataset list (list_datasets_distributed.json), asked of this one.

A central over sites lists every site's datasets with the node that holds it (`location`),
beside what a site's own list says of a dataset (label, description, anonymisation level,
its tables): the structure is 2019's, the datasets are this federation's. The sites
load CSV files that say no anonymisation level: the key is there, its value null
(2019's sample metadata said "Depersonalised").
"""

from __future__ import annotations

from typing import Any

import requests

from tests.support.answers_2019 import reference, same_structure
from tests.support.federation_cluster import TIMEOUT_S, Federation


def _without_level(answer: dict[str, Any]) -> dict[str, Any]:
    return {"datasets": [{k: v for k, v in d.items() if k != "anonymisationLevel"}
                         for d in answer["datasets"]]}


def test_the_central_lists_datasets_in_2019s_distributed_form(federation: Federation
                                                              ) -> None:
    theirs = reference("list_datasets_distributed.json")
    ours = requests.get(f"{federation.central}/metadata/datasets", timeout=TIMEOUT_S).json()
    assert all(d["anonymisationLevel"] is None for d in ours["datasets"])
    same_structure(_without_level(ours), _without_level(theirs), "datasets")
    assert len(ours["datasets"]) == len(federation.sites) > 1
    for dataset in ours["datasets"]:
        assert dataset["location"]["url"] == federation.sites[dataset["id"]["code"]]
        assert dataset["tables"], dataset
