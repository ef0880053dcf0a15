"""Models an experiment keeps: card, download, and predict through the algorithm's `test` job."""

from __future__ import annotations

import io
import json
from pathlib import Path

import joblib
import numpy as np
from sklearn.datasets import load_iris

from tests.integration.api.test_experiments import IRIS_FEATURES, experiment
from woken.algorithms.common.table import read_table

ROWS = [
    {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
    {"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3},
    {"sepal_length": 5.9, "sepal_width": 2.8, "petal_length": 4.3, "petal_width": 1.4},
]


def in_process(model, tmp_path: Path) -> tuple[list, np.ndarray]:
    """The downloaded model's own predictions and probabilities of ROWS, in this process."""
    path = tmp_path / "rows.json"
    path.write_text(json.dumps({"columns": IRIS_FEATURES,
                                "rows": [[r[c] for c in IRIS_FEATURES] for r in ROWS]}))
    features = model.encoder.encode(read_table(path))
    return list(model.estimator.predict(features)), model.estimator.predict_proba(features)


async def test_an_experiments_model_predicts_as_the_model_itself(client, tmp_path: Path) -> None:
    answer = await client.post("/mining/experiment", json=experiment(
        "species", IRIS_FEATURES, ["naiveBayes", "knn"], k=2))
    assert answer.status == 200, await answer.text()
    status = await (await client.get(answer.headers["Location"])).json()
    models = status["models"]
    assert [m["algorithm"] for m in models] == ["naiveBayes", "knn"]
    model_id = models[0]["modelId"]

    card = await (await client.get(f"/mining/models/{model_id}")).json()
    assert card["algorithm"] == "naiveBayes" and card["problemType"] == "classification"
    assert [f["code"] for f in card["features"]] == IRIS_FEATURES
    assert card["target"][0]["code"] == "species"
    assert card["provenance"]["trainingRows"] == len(load_iris().target)
    assert card["scores"]["rank"] in (1, 2) and card["scores"]["mean"] is not None
    assert card["libraries"]["scikit-learn"]

    download = await client.get(card["links"]["download"])
    assert download.status == 200
    model = joblib.load(io.BytesIO(await download.read()))
    expected, probabilities = in_process(model, tmp_path)

    predicted = await client.post(card["links"]["predict"], json=ROWS)
    assert predicted.status == 200, await predicted.text()
    body = await predicted.json()
    assert body["predictions"] == expected
    got = [[row[str(c)] for c in model.estimator.classes_] for row in body["probabilities"]]
    np.testing.assert_allclose(got, probabilities, rtol=1e-9)

    csv = ",".join(IRIS_FEATURES) + "\n" + "\n".join(
        ",".join(str(r[c]) for c in IRIS_FEATURES) for r in ROWS)
    from_csv = await client.post(card["links"]["predict"], data=csv,
                                 headers={"Content-Type": "text/csv"})
    assert (await from_csv.json())["predictions"] == expected


async def test_wrong_rows_are_a_400_naming_the_column_or_value(client) -> None:
    answer = await client.post("/mining/experiment", json=experiment(
        "species", IRIS_FEATURES, ["knn"], k=None))
    assert answer.status == 200, await answer.text()
    status = await (await client.get(answer.headers["Location"])).json()
    predict = f"/mining/models/{status['models'][0]['modelId']}/predict"

    wrong = await client.post(predict, json=[{**ROWS[0], "sepal_lenght": 1.0}])
    assert wrong.status == 400
    assert "unknown column 'sepal_lenght'" in (await wrong.json())["message"]
    missing = await client.post(predict, json=[{"sepal_length": 1.0}])
    assert missing.status == 400 and "'sepal_width' is missing" in (await missing.json())["message"]
    text = await client.post(predict, json=[{**ROWS[0], "petal_width": "wide"}])
    assert text.status == 400 and "'petal_width' must be a" in (await text.json())["message"]
    assert (await client.get("/mining/models/not-a-model")).status == 404


async def test_an_automl_model_downloads_as_onnx_that_predicts_as_woken(client) -> None:
    """The kept AutoML model as ONNX: onnxruntime predicts held-out rows as /predict does, or
    the download is a 409 naming the step that stopped the export; a model of another
    algorithm has no ONNX export (409, saying so)."""
    import onnxruntime

    from tests.integration.api.test_tpot import QUICK

    body = experiment("species", IRIS_FEATURES, ["tpot", "knn"], k=None)
    body["algorithms"][0]["parameters"] = QUICK
    answer = await client.post("/mining/experiment", json=body)
    assert answer.status == 200, await answer.text()
    status = await (await client.get(answer.headers["Location"])).json()
    tpot, knn = (m["modelId"] for m in status["models"])

    refused = await client.get(f"/mining/models/{knn}/onnx")
    assert refused.status == 409
    assert "(knn) has no ONNX export" in (await refused.json())["message"]

    download = await client.get(f"/mining/models/{tpot}/onnx")
    predicted = await client.post(f"/mining/models/{tpot}/predict", json=ROWS)
    assert predicted.status == 200, await predicted.text()
    woken = await predicted.json()
    if download.status == 409:
        message = (await download.json())["message"]
        assert "cannot be exported as ONNX: step " in message, message
        return
    assert download.status == 200, await download.text()
    assert download.headers["Content-Disposition"] == f'attachment; filename="{tpot}.onnx"'
    session = onnxruntime.InferenceSession(await download.read(),
                                           providers=["CPUExecutionProvider"])
    rows = np.array([[r[c] for c in IRIS_FEATURES] for r in ROWS], dtype=np.float64)
    label, probabilities = session.run(None, {"X": rows})
    assert list(label) == woken["predictions"]
    # Woken's answer for an AutoML model has no probabilities (the unit tests compare them
    # with the pipeline's within 1e-6): here they must at least agree with the labels.
    classes = np.array(["setosa", "versicolor", "virginica"])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-6)
    assert list(classes[probabilities.argmax(axis=1)]) == woken["predictions"]
