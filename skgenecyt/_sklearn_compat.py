"""The one module that imports private scikit-learn names.

scikit-learn's parameter validation, its ``fit`` context and a few helpers
are what third-party estimators are expected to use, but they live in
private modules that have moved between releases. Everything in skgenecyt
imports them from here, so a move in a future release is fixed in one place.
The versions tested are the newest releases and the minimum that
``pyproject.toml`` declares (the minimum-version CI job, ``.ci/run_minimum``,
installs exactly those); every name here exists in both.
"""

from sklearn.base import _fit_context
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import _check_feature_names_in, _num_samples

__all__ = [
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "StrOptions",
    "_check_feature_names_in",
    "_fit_context",
    "_num_samples",
    "_safe_indexing",
    "validate_params",
]
