"""One way to validate the parameters of public functions: scikit-learn's validate_params.

Every public function declares a constraint for each of its parameters
(``"no_validation"`` where a check that validate_params cannot express follows
in the body, or where a nested call validates it), so a wrong type or range
gets scikit-learn's message naming the parameter and the function the user
called.
"""

import inspect

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import skgenecyt
import skgenecyt.plotting
import skgenecyt.report
from skgenecyt import benchmark
from skgenecyt.report import benchmark_report, perturbation_report, reproduce


def _public_functions():
    found = {}
    for module in (skgenecyt, skgenecyt.report, skgenecyt.plotting):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) and obj not in found.values():
                found[f"{module.__name__}.{name}"] = obj
    return found


@pytest.mark.parametrize("name", list(_public_functions()))
def test_public_function_declares_a_constraint_for_every_parameter(name):
    func = _public_functions()[name]
    # validate_params records its constraints on the function it decorates
    constraints = getattr(func, "_skl_parameter_constraints", None)
    assert constraints is not None, f"{name} is not decorated with validate_params"
    parameters = {p.name for p in inspect.signature(func).parameters.values()
                  if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    assert set(constraints) == parameters


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(24, 6)), columns=[f"G{i}" for i in range(6)])
    y = pd.Series(np.repeat([0, 1], 12))
    return X, y


def test_a_models_own_parameter_error_keeps_the_models_name(data):
    # benchmark validates its models' parameters when it fits them (nested
    # validation stays on) and names the model, not itself, in the message.
    X, y = data
    with pytest.raises(ValueError, match=r"model 'lr' failed on split 1: The 'C' parameter "
                                         r"of LogisticRegression must be") as info:
        benchmark({"lr": LogisticRegression(C=-1.0)}, X, y, cv=2)
    assert isinstance(info.value, TypeError)  # as scikit-learn's parameter errors are
    assert "parameter of benchmark" not in str(info.value)


def test_report_entry_points_name_themselves_for_parameters_they_pass_on(data, tmp_path):
    X, y = data
    with pytest.raises(ValueError, match=r"'n_repeats' parameter of benchmark_report must"):
        benchmark_report(X, y, tmp_path / "b", n_repeats=0, verbose=0)
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match=r"'n_null' parameter of perturbation_report must"):
        perturbation_report(model, X, tmp_path / "p", modules={"M": ["G0", "G1"]}, n_null=-1,
                            verbose=0)
    with pytest.raises(TypeError, match=r"'quick' parameter of reproduce must"):
        reproduce(tmp_path / "r", quick="yes")
    assert list(tmp_path.iterdir()) == []  # nothing written, no staging folder left
