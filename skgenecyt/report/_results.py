"""results.json: every number, the exact parameters, seeds and package versions."""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

#: Packages whose versions decide the numbers of a run.
PACKAGES = ("skgenecyt", "numpy", "scipy", "pandas", "scikit-learn", "torch", "skorch",
            "torch-geometric", "matplotlib", "joblib")


def environment():
    """Python, platform, CPU count and the versions of ``PACKAGES``."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return {"python": sys.version.split()[0], "platform": platform.platform(),
            "cpu_count": os.cpu_count(), "packages": versions}


def estimator_params(estimator):
    """Parameters of an estimator as nested plain data: class name and params.

    Nested estimators (pipeline steps, a wrapped SVC) are expanded the same
    way, so the file records every setting needed to rebuild the model.
    """
    if isinstance(estimator, BaseEstimator):
        params = estimator.get_params(deep=False)
        return {"class": f"{type(estimator).__module__}.{type(estimator).__qualname__}",
                "params": {k: estimator_params(v) for k, v in sorted(params.items())}}
    if isinstance(estimator, list | tuple):
        return [estimator_params(v) for v in estimator]
    if isinstance(estimator, dict):
        return {str(k): estimator_params(v) for k, v in estimator.items()}
    return to_jsonable(estimator)


def to_jsonable(obj):
    """Plain JSON data from numpy, pandas and other values (NaN and inf become None)."""
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, pd.DataFrame):
        return [to_jsonable(row) for row in obj.to_dict(orient="records")]
    if isinstance(obj, pd.Series):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, BaseEstimator):
        return estimator_params(obj)
    if callable(obj) and hasattr(obj, "__qualname__"):  # e.g. a score function
        return f"{getattr(obj, '__module__', '')}.{obj.__qualname__}"
    return repr(obj)


def dumps(results):
    """The results as indented JSON text."""
    return json.dumps(to_jsonable(results), indent=2, allow_nan=False) + "\n"
