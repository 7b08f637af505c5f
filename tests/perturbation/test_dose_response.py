"""dose_response: the change in P(RA) over a range of shifts."""

import numpy as np
import pytest

from skgenecyt.perturbation import DEFAULT_DOSES, dose_response


def test_curve_is_tidy_sorted_and_monotone_for_a_linear_model(toy):
    curve = dose_response(toy.model, toy.X_test, "A", shifts=[1.0, -2.0, 0.0, 2.0, -1.0],
                          modules=toy.modules, n_bootstrap=200, random_state=0)
    assert list(curve["shift"]) == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert {"shift", "delta_mean", "ci_low", "ci_high"} <= set(curve.columns)
    assert (np.diff(curve.delta_mean) > 0).all()
    zero = curve[curve["shift"] == 0].iloc[0]
    assert zero.delta_mean == pytest.approx(0, abs=1e-12)
    assert curve.null_mean.isna().all()  # no null by default


def test_default_doses_and_several_modules(toy):
    curve = dose_response(toy.model, toy.X_test, ["A", "C"], modules=toy.modules,
                          n_bootstrap=50, n_null=10, random_state=0)
    assert list(curve.module.unique()) == ["A", "C"]
    assert list(curve.loc[curve.module == "A", "shift"]) == list(DEFAULT_DOSES)
    assert curve.null_mean.notna().all()
    top = curve[curve["shift"] == 2.0].set_index("module").delta_mean
    assert top["A"] > top["C"] > 0


def test_unknown_module_is_a_clear_error(toy):
    with pytest.raises(ValueError, match=r"Unknown module\(s\) \['IL99'\]"):
        dose_response(toy.model, toy.X_test, "IL99", modules=toy.modules)

