"""The running system: its services, admission, and the start of jobs and experiments.

The services' start-up and shutdown order, admission, and the start and resumption
of single jobs and experiments.

It sits between the HTTP and command-line layer above and the actors below: the
handlers call this package only, and only this package starts actors.
"""

from woken.system.adoption import adopt_orphans, keep_leases_periodically, start_up_claim
from woken.system.experiments import cancel_experiment, progress, submit_experiment
from woken.system.job_logs import job_logs
from woken.system.jobs import (
    cancel_job,
    is_data_request,
    job_user,
    selected_rows,
    start_job,
    submit_job,
)
from woken.system.lifecycle import start_services, stop_services
from woken.system.metrics import Metrics, instrument
from woken.system.retention import sweep_periodically
from woken.system.services import Services
from woken.system.trained_models import card, experiment_models, model_file, start_prediction

__all__ = [
    "Metrics", "Services", "adopt_orphans", "cancel_experiment", "cancel_job", "card",
    "experiment_models", "instrument", "is_data_request", "job_logs", "job_user",
    "keep_leases_periodically", "model_file", "progress", "selected_rows", "start_job",
    "start_prediction", "start_services", "start_up_claim", "stop_services", "submit_experiment",
    "submit_job", "sweep_periodically",
]
