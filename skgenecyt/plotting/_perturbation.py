"""Figures of perturbation results: a forest plot of effects and dose-response curves.

Both functions draw on a given Axes or on a new :class:`matplotlib.figure.Figure`
(created without pyplot, so they work on any backend, headless included, and
leave no figure open in pyplot's registry) and return the Figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from skgenecyt._sklearn_compat import HasMethods, StrOptions, validate_params

_NULL_COLOR = "0.6"

#: The constraints of the arguments every plotting function takes; a matplotlib Axes
#: is recognised by its methods, so that importing the package does not import matplotlib.
AXES_CONSTRAINTS = {"ax": [HasMethods(["plot", "set_xlabel"]), None], "title": [str, None]}


def _axes(ax, figsize):
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _require(table, columns, what):
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"{what} needs the columns {columns}; the table lacks {missing}. Pass the output "
            "of perturbation_effects or dose_response."
        )


def _null_bounds(table, null):
    if null == "sd":
        return table["null_mean"] - 2 * table["null_sd"], table["null_mean"] + 2 * table["null_sd"]
    return table["null_low"], table["null_high"]


@validate_params(
    {
        "effects": [pd.DataFrame],
        "null": [StrOptions({"range", "sd"}), None],
        "reference": [dict, None],
        "annotate": ["boolean"],
        **AXES_CONSTRAINTS,
    },
    prefer_skip_nested_validation=True,
)
def plot_perturbation_effects(effects, *, ax=None, null="range", reference=None,
                              annotate=True, title=None):
    """Forest plot of module effects with confidence intervals and the null band.

    Parameters
    ----------
    effects : DataFrame
        The output of :func:`~skgenecyt.perturbation.perturbation_effects`;
        one row (a marker with its interval) per (module, shift).
    ax : matplotlib Axes, default=None
        Where to draw; None creates a new Figure.
    null : {"range", "sd"} or None, default="range"
        The grey band behind each row: the central range of the null means
        (``null_low`` to ``null_high``), ``null_mean`` +- 2 ``null_sd``, or
        none. A tick marks the null mean.
    reference : dict or None, default=None
        Published values to show beside the estimates, ``module -> (mean, sd)``
        (e.g. the paper's, ``skgenecyt.report.PAPER["effects"]``), drawn as open
        diamonds with +- 1 sd.
    annotate : bool, default=True
        Write each row's p-value at the right (when the table has one).
    title : str, default=None

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenecyt.plotting import plot_perturbation_effects
    >>> effects = pd.DataFrame({
    ...     "module": ["IL6", "TNF"], "shift": [1.0, 1.0], "delta_mean": [0.12, 0.08],
    ...     "ci_low": [0.09, 0.05], "ci_high": [0.15, 0.11], "null_mean": [0.0, 0.0],
    ...     "null_sd": [0.01, 0.01], "null_low": [-0.02, -0.02], "null_high": [0.02, 0.02],
    ...     "p_value": [0.005, 0.005]})
    >>> fig = plot_perturbation_effects(effects)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['IL6', 'TNF']
    """
    _require(effects, ["module", "shift", "delta_mean", "ci_low", "ci_high"], "A forest plot")
    table = effects.reset_index(drop=True)
    fig, ax = _axes(ax, (6.0, 0.6 * len(table) + 1.4))
    y = np.arange(len(table))
    several_shifts = table["shift"].nunique() > 1
    labels = [f"{m} (shift {s:g})" if several_shifts else str(m)
              for m, s in zip(table["module"], table["shift"])]

    if null is not None and {"null_mean", "null_low", "null_high"} <= set(table.columns):
        low, high = _null_bounds(table, null)
        drawn = np.isfinite(low.to_numpy(float))
        if drawn.any():
            ax.barh(y[drawn], (high - low)[drawn], left=low[drawn], height=0.6,
                    color=_NULL_COLOR, alpha=0.35, label="null (random gene sets)")
            ax.plot(table["null_mean"][drawn], y[drawn], "|", color=_NULL_COLOR, markersize=14)

    mean = table["delta_mean"].to_numpy(float)
    xerr = np.vstack([mean - table["ci_low"], table["ci_high"] - mean])
    ax.errorbar(mean, y, xerr=xerr, fmt="o", color="C0", capsize=3, label="effect (95% CI)")

    if reference:
        ref = [(i, *reference[m]) for i, m in enumerate(table["module"]) if m in reference]
        if ref:
            pos, ref_mean, ref_sd = map(np.asarray, zip(*ref))
            ax.errorbar(ref_mean, pos + 0.25, xerr=ref_sd, fmt="D", mfc="none", color="C3",
                        capsize=3, label="reference")

    if annotate and "p_value" in table.columns:
        for yi, p in zip(y, table["p_value"]):
            if np.isfinite(p):
                ax.annotate(f"p={p:.2g}", (1.0, yi), xycoords=("axes fraction", "data"),
                            xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)

    ax.axvline(0.0, color="0.3", linewidth=0.8)
    ax.set_yticks(y, labels)
    ax.set_ylim(len(table) - 0.5, -0.5)  # first row on top
    ax.set_xlabel("Change in P(RA)")
    ax.legend(loc="best", fontsize=8)
    if title:
        ax.set_title(title)
    return fig


@validate_params(
    {"curve": [pd.DataFrame], "null": ["boolean"], **AXES_CONSTRAINTS},
    prefer_skip_nested_validation=True,
)
def plot_dose_response(curve, *, ax=None, null=True, title=None):
    """Dose-response curves: mean change in P(RA) per shift with CI ribbons.

    Parameters
    ----------
    curve : DataFrame
        The output of :func:`~skgenecyt.perturbation.dose_response` (or of
        ``perturbation_effects`` with several shifts); one line per module.
    ax : matplotlib Axes, default=None
        Where to draw; None creates a new Figure.
    null : bool, default=True
        Also shade the null range per shift when the table has one.
    title : str, default=None

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenecyt.plotting import plot_dose_response
    >>> curve = pd.DataFrame({"module": "IL6", "shift": [-1.0, 0.0, 1.0],
    ...                       "delta_mean": [-0.1, 0.0, 0.1], "ci_low": [-0.12, 0.0, 0.08],
    ...                       "ci_high": [-0.08, 0.0, 0.12]})
    >>> fig = plot_dose_response(curve)
    >>> len(fig.axes[0].get_legend().get_texts())
    1
    """
    _require(curve, ["module", "shift", "delta_mean", "ci_low", "ci_high"], "A dose-response plot")
    fig, ax = _axes(ax, (6.0, 4.0))
    for k, (module, part) in enumerate(curve.groupby("module", sort=False)):
        part = part.sort_values("shift")
        color = f"C{k % 10}"
        ax.fill_between(part["shift"], part["ci_low"], part["ci_high"], color=color, alpha=0.25,
                        linewidth=0)
        if null and "null_low" in part and np.isfinite(part["null_low"].to_numpy(float)).any():
            ax.fill_between(part["shift"], part["null_low"], part["null_high"], color=color,
                            alpha=0.12, hatch="//", linewidth=0)
        ax.plot(part["shift"], part["delta_mean"], marker="o", color=color, label=str(module))
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    ax.set_xlabel("Shift (perturbation strength)")
    ax.set_ylabel("Change in P(RA)")
    ax.legend(title="module", fontsize=8)
    if title:
        ax.set_title(title)
    return fig
