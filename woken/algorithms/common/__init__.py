"""The small library every algorithm container shares.

An algorithm never talks to Woken's databases: Woken writes the job's inputs
into the job's volume and the algorithm writes its result back there
(see `woken.algorithms.common.volume` for the layout).

One module per concept, in the order a job meets them:

- `volume`: the layout of the job's volume (the contract with Woken);
- `variables`, `table`, `parameters`, `inputs`: job.json and data.json read into `JobInputs`;
- `encoding`: variables to a design matrix (one-hot from the metadata's enumerations);
- `factors`: nominal variables as groups of rows (statistics by group);
- `numeric`: numeric variables as one matrix (correlation, PCA, t-SNE, k-means);
- `estimators`: the seed parameter and standard scaling of the scikit-learn models;
- `results`: ``results/<command>.json`` and its shapes; `plotly`: figures of that shape;
- `runner`: the container's main (command in, result and exit code out);
- `predictive`, `model_store`: compute/train/test of a model from its fit and describe;
- `cross_validation`: the batched ``cross_validate`` command (every fold of a k-fold
  validation and the final model in one job; folds.json gives the fold of each row);
- `descriptive`: the compute of an algorithm that describes rows (no model);
- `errors`: the exceptions whose message is the job's error.
"""
