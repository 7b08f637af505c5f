"""results.json content: plain JSON from numpy, pandas and estimators."""

import json

import numpy as np
import pandas as pd
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skgenecyt.report._results import dumps, environment, estimator_params, to_jsonable


def test_numbers_frames_and_missing_values_become_json():
    data = {"a": np.float32(0.5), "b": np.int64(3), "c": float("nan"), "d": np.arange(2),
            "e": pd.DataFrame({"x": [1.0, np.inf]}), "f": (1, 2), "g": np.bool_(True)}
    out = json.loads(dumps(data))
    assert out == {"a": 0.5, "b": 3, "c": None, "d": [0, 1], "e": [{"x": 1.0}, {"x": None}],
                   "f": [1, 2], "g": True}


def test_estimator_parameters_are_recorded_recursively():
    model = make_pipeline(SelectKBest(f_classif, k=5), LogisticRegression(C=0.5))
    params = estimator_params(model)
    assert params["class"] == "sklearn.pipeline.Pipeline"
    steps = params["params"]["steps"]
    assert steps[1][1]["params"]["C"] == 0.5
    assert steps[0][1]["params"]["score_func"].endswith(".f_classif")
    json.dumps(to_jsonable(params))


def test_environment_lists_package_versions():
    env = environment()
    assert env["packages"]["scikit-learn"]
    assert env["packages"]["torch"]
    assert env["python"].count(".") == 2
