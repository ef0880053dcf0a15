"""From a request to a runnable plan: every check on the client's input lives here.

- :mod:`.queries`: the request bodies' schemas (``MiningQuery``, ``ExperimentQuery``);
- :mod:`.limits`: what one request may cost (a 400 or 413 naming the setting);
- :mod:`.planner`: a mining job's plan: data sets, variables, algorithm, filters, selection;
- :mod:`.data_scope`: which data sets a request reads;
- :mod:`.experiment_plan`: an experiment's plan (its algorithms, their validations, the folds);
- :mod:`.job_plan`: ``JobPlan``, one runnable job; :mod:`.provenance`: where its rows came from;
- :mod:`.prediction_rows`: the rows a prediction request sends.
"""

from woken.planning.experiment_plan import (
    AlgorithmPlan,
    ExperimentPlan,
    ValidationPlan,
    plan_experiment,
)
from woken.planning.job_plan import JobPlan
from woken.planning.limits import (
    body_too_large,
    check_body_counts,
    check_body_size,
    over_limit,
)
from woken.planning.planner import DATA_ALGORITHM, plan_job, select_data
from woken.planning.prediction_rows import check_rows, records_from_csv, records_from_json
from woken.planning.provenance import ResultContext
from woken.planning.queries import (
    AlgorithmRequest,
    ExperimentQuery,
    ExperimentSchema,
    MiningJobSchema,
    MiningQuery,
    load_body,
)

__all__ = [
    "DATA_ALGORITHM", "AlgorithmPlan", "AlgorithmRequest", "ExperimentPlan", "ExperimentQuery",
    "ExperimentSchema", "JobPlan", "MiningJobSchema", "MiningQuery", "ResultContext",
    "ValidationPlan", "body_too_large", "check_body_counts", "check_body_size", "check_rows",
    "load_body", "over_limit", "plan_experiment", "plan_job", "records_from_csv",
    "records_from_json", "select_data",
]
