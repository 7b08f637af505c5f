"""Forest and dose-response figures: structure, not pixels."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure

from skgenecyt.plotting import plot_dose_response, plot_perturbation_effects


def _effects(n_null=True):
    table = pd.DataFrame({
        "module": ["IL6", "TNF", "IL1B"], "shift": 1.0,
        "delta_mean": [0.12, 0.08, 0.05], "ci_low": [0.09, 0.05, 0.01],
        "ci_high": [0.15, 0.11, 0.09], "null_mean": [0.01, 0.0, -0.01],
        "null_sd": [0.01, 0.02, 0.01], "null_low": [-0.01, -0.03, -0.03],
        "null_high": [0.03, 0.04, 0.01], "p_value": [0.005, 0.01, 0.2],
    })
    if not n_null:
        table[["null_mean", "null_sd", "null_low", "null_high", "p_value"]] = np.nan
    return table


def _curve(modules=("IL6", "TNF")):
    shifts = np.linspace(-2, 2, 5)
    parts = [pd.DataFrame({"module": m, "shift": shifts, "delta_mean": k * shifts,
                           "ci_low": k * shifts - 0.02, "ci_high": k * shifts + 0.02,
                           "null_low": np.nan, "null_high": np.nan})
             for k, m in enumerate(modules, start=1)]
    return pd.concat(parts, ignore_index=True)


def test_forest_plot_has_one_interval_per_row_and_the_null_band():
    fig = plot_perturbation_effects(_effects())
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    errorbars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    bands = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(errorbars) == 1
    assert len(errorbars[0].lines[0].get_xdata()) == 3
    assert len(bands) == 1
    assert len(bands[0].patches) == 3
    # the null band of IL6 spans null_low..null_high
    patch = bands[0].patches[0]
    assert patch.get_x() == pytest.approx(-0.01)
    assert patch.get_width() == pytest.approx(0.04)
    assert [t.get_text() for t in ax.texts] == ["p=0.005", "p=0.01", "p=0.2"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["IL6", "TNF", "IL1B"]


def test_forest_plot_sd_band_reference_and_no_null():
    fig = plot_perturbation_effects(_effects(), null="sd", reference={"IL6": (0.12, 0.03)})
    ax = fig.axes[0]
    bands = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert bands[0].patches[1].get_width() == pytest.approx(4 * 0.02)  # +-2 null_sd
    assert len([c for c in ax.containers if isinstance(c, ErrorbarContainer)]) == 2
    fig = plot_perturbation_effects(_effects(n_null=False))
    ax = fig.axes[0]
    assert not [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(ax.texts) == 0


def test_forest_plot_labels_shifts_and_draws_on_given_axes():
    table = pd.concat([_effects(), _effects().assign(shift=2.0)], ignore_index=True)
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_perturbation_effects(table, ax=ax) is fig
    assert ax.get_yticklabels()[3].get_text() == "IL6 (shift 2)"


def test_dose_response_has_a_line_and_ribbon_per_module():
    fig = plot_dose_response(_curve(("IL6", "TNF", "IL1B")))
    ax = fig.axes[0]
    lines = [ln for ln in ax.lines if len(ln.get_xdata()) == 5]
    assert [ln.get_label() for ln in lines] == ["IL6", "TNF", "IL1B"]
    ribbons = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(ribbons) == 3
    np.testing.assert_allclose(lines[1].get_ydata(), 2 * np.linspace(-2, 2, 5))


def test_dose_response_null_band_when_present():
    curve = _curve(("IL6",)).assign(null_low=-0.01, null_high=0.01)
    ax = plot_dose_response(curve).axes[0]
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 2
    ax = plot_dose_response(curve, null=False).axes[0]
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 1


def test_bad_tables_are_clear_errors():
    with pytest.raises(ValueError, match="lacks"):
        plot_perturbation_effects(pd.DataFrame({"module": ["IL6"]}))
    with pytest.raises(ValueError, match="'null' parameter of plot_perturbation_effects must be"):
        plot_perturbation_effects(_effects(), null="band")
    with pytest.raises(ValueError, match="lacks"):
        plot_dose_response(_effects().drop(columns="ci_low"))


def test_bad_arguments_name_the_parameter():
    with pytest.raises(TypeError, match=r"'effects' parameter of plot_perturbation_effects must "
                                        r"be an instance of 'pandas\.core\.frame\.DataFrame'"):
        plot_perturbation_effects(_effects().to_dict())
    with pytest.raises(TypeError, match="'ax' parameter of plot_dose_response must be an object "
                                        "implementing 'plot' and 'set_xlabel' or None"):
        plot_dose_response(_effects(), ax="left")
    with pytest.raises(TypeError, match="'title' parameter of plot_perturbation_effects"):
        plot_perturbation_effects(_effects(), title=1)


def test_figures_render_without_pyplot(tmp_path):
    import matplotlib.pyplot as plt

    open_before = plt.get_fignums()
    for fig in (plot_perturbation_effects(_effects()), plot_dose_response(_curve())):
        path = tmp_path / "figure.png"
        fig.savefig(path)
        assert path.stat().st_size > 1000
    assert plt.get_fignums() == open_before  # nothing left open in pyplot
