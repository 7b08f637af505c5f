"""Synthetic rheumatoid-arthritis cohorts with planted cytokine-module effects."""

from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from skgenecyt._sklearn_compat import Interval, validate_params

from ._modules import load_cytokine_modules
from ._synthetic_population import (
    CROSSTALK,
    SEVERITY_SHAPE,
    TONE_CORRELATION,
    check_parameters,
    draw_population,
    seed_sequence,
)

#: Default planted RA-vs-control shifts of the latent cytokine activities (control SD units).
DEFAULT_MODULE_EFFECTS = {"IL6": 2.5, "TNF": 1.5, "IL1B": 0.75}


_AT_LEAST_0 = Interval(Integral, 0, None, closed="left")
_AT_LEAST_1 = Interval(Integral, 1, None, closed="left")
_NON_NEGATIVE = Interval(Real, 0, None, closed="left")  # finite: inf and NaN are refused


@validate_params(
    {
        "n_ra": [_AT_LEAST_1],
        "n_control": [_AT_LEAST_1],
        "n_holdout_ra": [_AT_LEAST_0],
        "n_holdout_control": [_AT_LEAST_0],
        "n_genes": [_AT_LEAST_1],
        "module_effects": [Mapping, None],
        "random_state": [_AT_LEAST_0, np.random.RandomState, np.random.Generator, None],
        "background_effect": [_NON_NEGATIVE],
        "heterogeneity": [_NON_NEGATIVE],
        "crosstalk": [_NON_NEGATIVE],
        "n_programmes": [_AT_LEAST_1],
        "noise": [Interval(Real, 0, None, closed="neither")],
        "n_batches": [_AT_LEAST_1],
        "batch_effect": [_NON_NEGATIVE],
        "dtype": "no_validation",  # anything numpy reads as float32 or float64: checked below
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_ra_cohort(
    n_ra=240,
    n_control=120,
    n_holdout_ra=100,
    n_holdout_control=50,
    n_genes=15000,
    module_effects=None,
    random_state=None,
    *,
    background_effect=1.0,
    heterogeneity=0.3,
    crosstalk=0.5,
    n_programmes=50,
    noise=1.0,
    n_batches=1,
    batch_effect=0.3,
    dtype="float32",
    return_X_y=False,
):
    r"""Generate a synthetic RA-versus-control cohort of bulk transcriptomes.

    The cohort mimics log2-scale bulk expression of patients with rheumatoid
    arthritis (RA) and healthy controls. Three cytokine response modules (the
    real gene symbols of :func:`load_cytokine_modules`: IL-6, TNF, IL-1beta)
    follow latent cytokine activities that are raised in RA by a planted,
    known amount (``module_effects``), so that methods can be checked on
    whether they recover which module matters. A training cohort and an
    independent holdout cohort are drawn from the same population.

    **Generative model.** For sample :math:`i` and gene :math:`g`,

    .. math::

        x_{ig} = \mathrm{clip}_{[0, 16]}\Big(\mu_g + r_g(\mathbf a_i)
                 + \sum_k W_{gk} z_{ik} + \beta_{b(i), g}
                 + \sigma_g \varepsilon_{ig}\Big),
        \qquad \varepsilon_{ig} \sim \mathcal N(0, 1).

    * *Genes.* The genes of the built-in modules come first (IL6, TNF and
      IL1B modules in that order, 122 genes in all), then the background
      genes, named ``GENE00001``, ``GENE00002``, ... (clearly synthetic,
      unique symbols).
    * *Baseline and noise.* :math:`\mu_g` is a gene-specific log2 level:
      background genes mix a low-expressed component (30 %, around 3.5) and an
      expressed one (around 8); module genes are expressed (around 8).
      :math:`\sigma_g` is a gene-specific noise SD (median 0.3 log2 units,
      up to twice as large for low-expressed genes), multiplied by ``noise``.
      Values are clipped to [0, 16] (detection floor and a 16-bit scanner
      ceiling).
    * *Cytokine activities.* Each sample has a latent activity
      :math:`a_{im}` per cytokine :math:`m`. In controls,
      :math:`\mathbf a_i \sim \mathcal N(\mathbf 0, \Sigma)` with unit
      variances and correlation 0.2 (a shared inflammatory tone). In RA,
      :math:`\mathbf a_i = S\, s_i \mathbf w_i + \mathbf e_i` with
      :math:`\mathbf e_i \sim \mathcal N(\mathbf 0, \Sigma)`,
      :math:`S = \sum_m \delta_m`, a disease severity
      :math:`s_i \sim \mathrm{Gamma}(8, 1/8)` (mean 1, CV 0.35) and a
      cytokine composition :math:`\mathbf w_i \sim
      \mathrm{Dirichlet}(\boldsymbol\delta / (S\,h))` with
      :math:`h` = ``heterogeneity``. Patients therefore differ in how active
      their disease is and in which cytokine programme dominates, yet the mean
      RA shift of activity :math:`m` is exactly :math:`\delta_m` =
      ``module_effects[m]``, in SD units of the controls' activity. With
      ``heterogeneity=0`` every patient has the composition
      :math:`\boldsymbol\delta / S`.
    * *Saturating module response.* Module gene :math:`g` receives the drive
      :math:`u_{ig} = a_{i,m(g)} + c \sum_{m'} a_{im'}` over its cross-talk
      inputs :math:`m'`, and responds with a Hill curve in the log
      concentration (a logistic curve in :math:`u`):
      :math:`r_g = L_g\,[\mathrm{sig}(n_g(u - \theta_g)) -
      \mathrm{sig}(-n_g\theta_g)]`, with maximal log2 induction
      :math:`L_g \sim \mathrm{LogNormal}(0, 0.5)` (median 1, a two-fold
      induction; bulk tissue dilutes the responding cells), steepness
      :math:`n_g \sim U(1, 2.5)` and half-maximal drive
      :math:`\theta_g \sim \mathcal N(1, 0.5)` (above the healthy mean). The
      response is zero at the healthy mean activity and saturates in strongly
      active patients. These laws are the same for every module, so module
      size does not decide which module matters: ``module_effects`` does.
    * *Cross-talk.* TNF drives a random quarter of the IL-6 module genes
      (TNF induces IL-6 and shares NF-kB/C/EBP-beta control of acute-phase
      genes) and IL-1beta a random quarter of the TNF module genes (both act
      through NF-kB), each with input weight :math:`c` = ``crosstalk``.
    * *Background programmes.* 70 % of the background genes belong to one of
      ``n_programmes`` co-expression programmes (at least 10 genes each,
      Dirichlet-distributed sizes), each driven by a latent factor
      :math:`z_{ik} \sim \mathcal N(0, 1)` with loading
      :math:`W_{gk} \approx 0.4` (15 % negative); a quarter of them also load
      weakly on a second programme. The other 30 % are noise genes.
    * *Disease signal outside the modules.* The factor of ``programme_01`` is
      shifted by ``background_effect`` SDs in RA (a disease-associated
      programme such as a plasma-cell or interferon signature).
    * *Batches.* With ``n_batches > 1``, samples are assigned to batches at
      random (independently of disease) and batch :math:`b` adds gene-wise
      offsets :math:`\beta_{bg} \sim \mathcal N(0, \text{batch\_effect}^2)`.

    **Difficulty.** The defaults aim at a population in which the best
    achievable classifier reaches a ROC AUC of about 0.96, like the synthetic
    cohort of the reference paper: neither trivially separable nor hopeless.
    The yardstick is the Bayes-optimal rule on the true latent variables (the
    exact likelihood ratio of the cytokine activities and the disease
    programme), whose AUC is 0.96 (Monte Carlo, 6,000 samples, three seeds:
    0.962 to 0.965). The classes overlap because controls vary in
    inflammatory tone, some patients have mild disease (low severity) and
    some are dominated by the weakest (IL-1beta) programme. Effects of
    1.0 / 0.6 / 0.3 SD would give a Bayes AUC of only about 0.85 (0.77
    without the disease programme), hence the defaults IL6 2.5 > TNF 1.5 >
    IL1B 0.75 SD (the ratio 1 : 0.6 : 0.3, in the order of the paper's
    perturbation effects); a 2.5 SD shift is large but plausible for IL-6,
    which is raised many-fold in active RA. Models learn less than the Bayes
    rule from 360 samples; the :ref:`reproduction` page shows what GeneCytNet
    and the baselines of :func:`~skgenecyt.default_baselines` reach.

    **Randomness.** One :class:`numpy.random.SeedSequence` built from
    ``random_state`` spawns three independent streams: the population
    (genes, baselines, loadings, network, batch offsets), the training cohort
    and the holdout cohort. The holdout thus comes from the same population
    but shares no random draws with the training rows; the population does
    not depend on the cohort sizes.

    Parameters
    ----------
    n_ra, n_control : int, default=240, 120
        RA patients and controls in the training cohort (at least 1 each).
    n_holdout_ra, n_holdout_control : int, default=100, 50
        RA patients and controls in the holdout cohort (0 or more).
    n_genes : int, default=15000
        Number of genes: the module genes plus background genes. At least the
        number of module genes, plus 15 background genes when
        ``background_effect > 0`` (so that the disease programme has 10).
    module_effects : dict of str to float, default=None
        Planted RA-vs-control shift of each cytokine's latent activity, in
        control SD units (>= 0), for example
        ``{"IL6": 0.3, "TNF": 1.0, "IL1B": 0.6}`` in any order. Modules left
        out get 0. None means ``{"IL6": 2.5, "TNF": 1.5, "IL1B": 0.75}``.
    random_state : int, numpy Generator, RandomState or None, default=None
        Seed for everything; the same seed gives the same cohort.
    background_effect : float, default=1.0
        RA shift (in SD units, >= 0) of the disease-associated background
        programme; 0 puts all disease signal into the cytokine modules.
    heterogeneity : float, default=0.3
        Inverse Dirichlet concentration (>= 0) of the patients' cytokine
        composition: 0 means every patient has the same profile, larger values
        make patients more often dominated by a single programme.
    crosstalk : float, default=0.5
        Input weight (>= 0) of the cross-talk edges TNF -> IL-6 module and
        IL-1beta -> TNF module; 0 disables cross-talk.
    n_programmes : int, default=50
        Number of background co-expression programmes (>= 1). Fewer are used
        when there are too few background genes for 10 genes per programme.
    noise : float, default=1.0
        Multiplier (> 0) of the gene-specific noise SDs.
    n_batches : int, default=1
        Number of batches (>= 1); 1 means no batch effect.
    batch_effect : float, default=0.3
        SD (>= 0, log2 units) of the gene-wise batch offsets.
    dtype : {"float32", "float64"}, default="float32"
        Floating type of the expression values; float32 halves the memory
        (a default cohort takes about 31 MB) and is what the torch models use.
    return_X_y : bool, default=False
        If True, return ``(X, y)`` of the training cohort only.

    Returns
    -------
    cohort : :class:`~sklearn.utils.Bunch`
        With the fields:

        ``X``, ``y``
            Training expression (DataFrame, samples x genes, index
            ``S0001``, ``S0002``, ..., RA and controls interleaved at random)
            and labels (Series ``"RA"``, 1 = RA, 0 = control).
        ``X_holdout``, ``y_holdout``
            The holdout cohort, indexed ``H0001``, ...
        ``modules``
            dict module name -> gene symbols (all columns of ``X``).
        ``module_effects``
            dict module name -> planted effect :math:`\delta_m`.
        ``gene_graph``
            DataFrame of the true regulatory edges with columns ``source``,
            ``target``, ``weight`` and ``kind``: ``"cytokine"`` edges
            ``<module>_activity -> gene`` (weight :math:`L_g`),
            ``"crosstalk"`` edges (weight :math:`c L_g`) and ``"programme"``
            edges ``programme_<k> -> gene`` (weight :math:`W_{gk}`, log2 units
            per factor SD).
        ``activities``
            DataFrame of the latent activities :math:`a_{im}` of every sample
            of both cohorts (one column per module) plus a ``cohort`` column
            (``"train"`` or ``"holdout"``).
        ``samples``
            DataFrame of per-sample truth for both cohorts: ``cohort``,
            ``RA``, ``batch``, ``severity`` and ``dominant`` (RA only: the
            severity :math:`s_i` and the module with the largest share of
            :math:`\mathbf w_i`, missing when all effects are 0) and
            ``disease_programme`` (the factor of ``programme_01``).
        ``programmes``
            dict programme name -> its genes (primary members).
        ``DESCR``
            A description of the cohort and its generating parameters.

    (X, y) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    ValueError
        For out-of-range counts or parameters, ``n_genes`` smaller than the
        module genes, or unknown module names in ``module_effects``.
    TypeError
        For parameters of the wrong type.

    See Also
    --------
    load_cytokine_modules : The modules whose genes are used here.

    Examples
    --------
    >>> from skgenecyt import make_ra_cohort
    >>> cohort = make_ra_cohort(n_genes=500, random_state=0)
    >>> cohort.X.shape, cohort.X_holdout.shape
    ((360, 500), (150, 500))
    >>> cohort.y.value_counts().sort_index().tolist()
    [120, 240]
    >>> cohort.module_effects
    {'IL6': 2.5, 'TNF': 1.5, 'IL1B': 0.75}
    >>> list(cohort.modules), cohort.X.columns[-1]
    (['IL6', 'TNF', 'IL1B'], 'GENE00378')
    >>> X, y = make_ra_cohort(n_genes=500, random_state=0, return_X_y=True)
    >>> X.equals(cohort.X)
    True
    """
    modules = load_cytokine_modules()
    params = check_parameters(
        modules,
        DEFAULT_MODULE_EFFECTS,
        n_ra=n_ra,
        n_control=n_control,
        n_holdout_ra=n_holdout_ra,
        n_holdout_control=n_holdout_control,
        n_genes=n_genes,
        module_effects=module_effects,
        background_effect=background_effect,
        heterogeneity=heterogeneity,
        crosstalk=crosstalk,
        n_programmes=n_programmes,
        noise=noise,
        n_batches=n_batches,
        batch_effect=batch_effect,
        dtype=dtype,
    )

    population_seed, train_seed, holdout_seed = seed_sequence(random_state).spawn(3)
    population = draw_population(modules, params, np.random.default_rng(population_seed))
    train = population.draw_cohort(n_ra, n_control, np.random.default_rng(train_seed), "S")
    if return_X_y:
        return train.X, train.y
    holdout = population.draw_cohort(
        n_holdout_ra, n_holdout_control, np.random.default_rng(holdout_seed), "H"
    )

    activities = pd.concat([train.activities, holdout.activities])
    activities["cohort"] = ["train"] * len(train.y) + ["holdout"] * len(holdout.y)
    samples = pd.concat([train.samples, holdout.samples])
    samples.insert(0, "cohort", activities["cohort"])
    return Bunch(
        X=train.X,
        y=train.y,
        X_holdout=holdout.X,
        y_holdout=holdout.y,
        modules={name: list(genes) for name, genes in population.modules.items()},
        module_effects=dict(params["module_effects"]),
        gene_graph=population.gene_graph(),
        activities=activities,
        samples=samples,
        programmes=population.programme_members(),
        DESCR=_describe(population, params, len(train.y), len(holdout.y)),
    )


def _describe(population, params, n_train, n_holdout):
    """Plain-text description of a generated cohort."""
    effects = ", ".join(f"{m} {v:g}" for m, v in params["module_effects"].items())
    sizes = ", ".join(f"{m} {len(g)}" for m, g in population.modules.items())
    links = ", ".join(f"{src} -> {dst} module ({share:.0%})" for src, dst, share in CROSSTALK)
    return (
        "Synthetic rheumatoid arthritis cohort (skgenecyt.make_ra_cohort)\n"
        "=================================================================\n\n"
        f"Training cohort: {n_train} samples ({params['n_ra']} RA, {params['n_control']} "
        f"controls); holdout cohort: {n_holdout} samples ({params['n_holdout_ra']} RA, "
        f"{params['n_holdout_control']} controls), drawn independently from the same "
        "population.\n"
        f"Genes: {params['n_genes']} log2-scale expression values in [0, 16] "
        f"({params['dtype'].name}): cytokine module genes ({sizes}; real symbols) "
        f"followed by {population.n_background} synthetic background genes "
        "(GENE00001, ...).\n\n"
        "Planted truth:\n"
        f"- RA-vs-control shift of each latent cytokine activity (control SD units): "
        f"{effects}.\n"
        f"- Disease-associated background programme programme_01: shift "
        f"{params['background_effect']:g} SD in RA.\n"
        f"- Heterogeneous RA: severity Gamma({SEVERITY_SHAPE:g}, 1/{SEVERITY_SHAPE:g}) times "
        f"a Dirichlet cytokine composition (heterogeneity {params['heterogeneity']:g}); "
        f"activities correlate {TONE_CORRELATION:g} within a sample.\n"
        f"- Saturating (logistic/Hill) gene responses; cross-talk {links} with input "
        f"weight {params['crosstalk']:g}.\n"
        f"- {population.n_programmes} background co-expression programmes; "
        f"noise multiplier {params['noise']:g}; {params['n_batches']} batch(es), batch "
        f"effect SD {params['batch_effect']:g}.\n\n"
        "Fields: X, y, X_holdout, y_holdout, modules, module_effects, gene_graph "
        "(true regulatory edges), activities (latent cytokine activities), samples "
        "(per-sample truth), programmes, DESCR.\n"
    )
