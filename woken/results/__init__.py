"""What the answers look like: an experiment's result, its leaderboard as CSV, a model's card.

- :mod:`.data_resource`: the `data` pseudo-algorithm's rows as a tabular data resource;
- :mod:`.experiment`: the experiment result document and its entries per algorithm;
- :mod:`.leaderboard_csv`: the leaderboard as CSV;
- :mod:`.model_card`: what a trained model's card says.
"""

from woken.results.data_resource import data_resource
from woken.results.experiment import (
    EXPERIMENT_FUNCTION,
    algorithm_entry,
    dataset_score,
    experiment_result,
    leaderboard,
    validation_entry,
)
from woken.results.leaderboard_csv import leaderboard_csv
from woken.results.model_card import model_card

__all__ = [
    "EXPERIMENT_FUNCTION", "algorithm_entry", "data_resource", "dataset_score", "experiment_result",
    "leaderboard", "leaderboard_csv", "model_card", "validation_entry",
]
