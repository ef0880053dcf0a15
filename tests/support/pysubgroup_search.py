"""Run in pysubgroup's virtualenv (scripts/pysubgroup_venv.sh): its exhaustive search.

Reads {"columns": {name: [bool]}, "target": [bool], "depth", "min_covered", "top"} on
stdin; each column is one selector (column == True). Prints the ``top`` subgroups by
weighted relative accuracy (the empty one left out) as
[{"names": [sorted selector names], "quality": q}].
"""

import json
import sys

import pandas as pd
import pysubgroup as ps


def main() -> None:
    job = json.load(sys.stdin)
    frame = pd.DataFrame(job["columns"])
    frame["__target__"] = job["target"]
    task = ps.SubgroupDiscoveryTask(
        frame, ps.BinaryTarget("__target__", True),
        [ps.EqualitySelector(name, True) for name in job["columns"]],
        result_set_size=job["top"] + 1, depth=job["depth"], qf=ps.WRAccQF(),
        constraints=[ps.MinSupportConstraint(job["min_covered"])])
    result = ps.SimpleDFS().execute(task)
    found = [{"names": sorted(s.attribute_name for s in description.selectors),
              "quality": float(quality)}
             for quality, description, *_ in result.results]
    # pysubgroup counts the empty description (every row); the beam search does not.
    json.dump([f for f in found if f["names"]][:job["top"]], sys.stdout)


if __name__ == "__main__":
    main()
