"""Several synthetic RA studies from different laboratories and platforms."""

from collections.abc import Mapping, Sequence
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from skgenecyt._sklearn_compat import Interval, validate_params

from ._cohorts import combine_cohorts
from ._modules import load_cytokine_modules
from ._synthetic import DEFAULT_MODULE_EFFECTS
from ._synthetic_population import check_parameters, draw_population, seed_sequence

#: Study sizes drawn when ``n_samples`` is None (inclusive range).
N_SAMPLES_RANGE = (20, 60)
#: RA shares drawn when ``ra_fraction`` is None.
RA_FRACTION_RANGE = (0.4, 0.85)
#: Range of the study-wide slope of the response to expression (fold-change compression).
SLOPE_RANGE = (0.8, 1.0)
#: SD of the gene-wise log slope around the study's slope.
GENE_SLOPE_SD = 0.1
#: Range of the log2 background floor added to the linear intensities.
BACKGROUND_LOG2_RANGE = (2.0, 4.0)
#: Scanner ceiling (16 bits) and the sharpness of the saturation.
SATURATION, SATURATION_SHARPNESS = 65535.0, 4.0


#: Smallest study: two samples of each class at the least.
MIN_STUDY_SIZE = 4
_STUDY_SIZE = Interval(Integral, MIN_STUDY_SIZE, None, closed="left")
_FRACTION = Interval(Real, 0, 1, closed="neither")
_NON_NEGATIVE = Interval(Real, 0, None, closed="left")


def _per_study(name, value, n_studies, allowed):
    """A scalar for every study, or a sequence with one value per study.

    Scalars were checked by ``validate_params``; each value of a sequence is
    checked here against the same constraint and named by its position.
    """
    if value is None:
        return None
    if not (isinstance(value, Sequence | np.ndarray) and not isinstance(value, str)):
        return [value] * n_studies
    if len(value) != n_studies:
        raise ValueError(f"{name} must have one value per study ({n_studies}), got {len(value)}.")
    for k, v in enumerate(value):
        if isinstance(v, bool) or not allowed.is_satisfied_by(v):
            raise ValueError(f"{name}[{k}] must be {allowed}; got {v!r}.")
    return list(value)


def _saturate(intensity):
    """Smooth 16-bit scanner saturation: about the identity below 30,000, then 65,535."""
    ratio = (intensity / SATURATION) ** SATURATION_SHARPNESS
    return intensity * (1.0 + ratio) ** (-1.0 / SATURATION_SHARPNESS)


def _study_design(rng, n_genes, n_programmes, sizes, fractions, k, params):
    """Draw one study's size, RA share and measurement parameters (in a fixed order)."""
    n = sizes[k] if sizes else int(rng.integers(N_SAMPLES_RANGE[0], N_SAMPLES_RANGE[1] + 1))
    fraction = fractions[k] if fractions else float(rng.uniform(*RA_FRACTION_RANGE))
    n_ra = int(np.clip(round(fraction * n), 1, n - 1))
    n_missing = round(params["missing_genes"] * n_genes)
    return dict(
        n_ra=n_ra,
        n_control=n - n_ra,
        intensity_scale=float(rng.normal(0.0, params["intensity_scale_sd"])),
        background=float(2.0 ** rng.uniform(*BACKGROUND_LOG2_RANGE)),
        slope=float(rng.uniform(*SLOPE_RANGE)),
        gene_slopes=np.exp(rng.normal(0.0, GENE_SLOPE_SD, n_genes)),
        gene_offsets=rng.normal(0.0, params["probe_effect_sd"], n_genes),
        composition=rng.normal(0.0, params["composition_shift_sd"], n_programmes),
        missing=np.sort(rng.choice(n_genes, size=n_missing, replace=False)),
    )


def _measure(biology, mean, design):
    """Log2 intensities the study's laboratory and platform report for log2 expression."""
    slopes = design["slope"] * design["gene_slopes"]
    log_signal = mean + slopes * (biology - mean) + design["gene_offsets"]
    intensity = _saturate(np.exp2(log_signal) + design["background"])
    return design["intensity_scale"] + np.log2(intensity)


@validate_params(
    {
        "n_studies": [Interval(Integral, 1, None, closed="left")],
        "n_samples": [_STUDY_SIZE, "array-like", None],
        "n_genes": [Interval(Integral, 1, None, closed="left")],
        "module_effects": [Mapping, None],
        "random_state": [Interval(Integral, 0, None, closed="left"), np.random.RandomState,
                         np.random.Generator, None],
        "ra_fraction": [_FRACTION, "array-like", None],
        "intensity_scale_sd": [_NON_NEGATIVE],
        "probe_effect_sd": [_NON_NEGATIVE],
        "composition_shift_sd": [_NON_NEGATIVE],
        "missing_genes": [Interval(Real, 0, 1, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def make_ra_studies(n_studies=3, n_samples=None, n_genes=15000, module_effects=None,
                    random_state=None, *, ra_fraction=None, intensity_scale_sd=0.8,
                    probe_effect_sd=0.5, composition_shift_sd=0.5, missing_genes=0.1):
    r"""Generate several RA-versus-control studies from different laboratories and platforms.

    Every study draws its patients and controls from one population (the
    biology of :func:`make_ra_cohort`: the same genes, cytokine modules and
    planted effects), then measures them in its own way. What differs between
    studies is what makes prediction across studies hard in real data:
    processing and platforms, the share of patients, tissue composition and
    which genes were measured.

    **Model.** For study :math:`k`, sample :math:`i` and gene :math:`g`, the
    biological log2 expression :math:`x_{ig}` comes from the population with
    the study's composition shift (below), and the study reports

    .. math::

        X_{ig} = \log_2 s_k + \log_2 \mathrm{sat}\big(2^{z_{ig}} + B_k\big),
        \qquad
        z_{ig} = \mu_g + b_{kg}\,(x_{ig} - \mu_g) + o_{kg},

    with :math:`\mu_g` the gene's population mean and
    :math:`\mathrm{sat}(u) = u\,(1 + (u/65535)^4)^{-1/4}`.

    **Magnitudes and where they come from.** They were set from the sources
    below before any model was run on these studies and were not adjusted to
    favour any method; all but the fixed constants are parameters, so their
    influence can be measured.

    * *Global intensity scale* :math:`\log_2 s_k \sim \mathcal N(0, 0.8^2)`
      (``intensity_scale_sd``). MAS5 scales each array to a target intensity
      that laboratories choose (100, 150 and 500 are all common), and
      scanners and labelling kits differ, so GEO series on one platform
      differ up to threefold or more in median intensity before logging.
      With SD 0.8 two studies differ by a factor of 1.7 at the median, and by
      threefold or more with probability 0.16.
    * *Gene-wise response slope*
      :math:`b_{kg} = \beta_k e^{\eta_{kg}}`, :math:`\beta_k \sim U(0.8, 1)`,
      :math:`\eta_{kg} \sim \mathcal N(0, 0.1^2)`: microarrays compress fold
      changes against quantitative PCR, by amounts that differ between
      platforms and probes (the MAQC studies: Shi et al., Nat Biotechnol
      2006, 24:1151; Canales et al., Nat Biotechnol 2006, 24:1115).
    * *Gene-wise offsets* :math:`o_{kg} \sim \mathcal N(0, 0.5^2)`
      (``probe_effect_sd``, log2 units): probe affinities and laboratory
      effects shift each gene's level per study, the gene-wise location batch
      effects that ComBat models (Johnson, Li and Rabinovic, Biostatistics
      2007, 8:118; Leek et al., Nat Rev Genet 2010, 11:733 on how widespread
      they are). 0.5 is our choice for studies on related platforms;
      platforms with unrelated probes differ more.
    * *Background floor* :math:`B_k = 2^{U(2, 4)}` (4 to 16 intensity units)
      added before the log: unsubtracted background and cross-hybridisation
      compress the low end of the log scale, where MAS5 and RMA disagree most
      (Irizarry et al., Biostatistics 2003, 4:249). Together with the slope
      this makes the response nonlinear and gene-wise.
    * *Saturation* at 65,535, the 16-bit scanner ceiling (smooth: 1.5 % below
      the identity at half the ceiling).
    * *Tissue composition*: each study shifts the mean of every background
      co-expression programme factor by :math:`\mathcal N(0, 0.5^2)` factor
      SDs (``composition_shift_sd``), including the disease-associated
      ``programme_01``, independently of disease. RA cohorts differ in cell
      composition: synovial biopsies in their mix of lympho-myeloid,
      diffuse-myeloid and pauci-immune pathotypes (Lewis et al., Cell Rep
      2019, 28:2455), blood cohorts in leukocyte fractions. Half a
      within-study SD is our choice.
    * *RA share* drawn from :math:`U(0.4, 0.85)` per study (``ra_fraction``):
      GEO RA studies range from balanced designs (GSE55235: 10 RA, 10
      controls) to mostly patients (GSE77298: 16 RA, 7 controls; large blood
      cohorts such as GSE93272 reach about 0.85).
    * *Study size* drawn from 20 to 60 samples (``n_samples``), the size of
      most GEO RA studies.
    * *Missing genes*: each study's platform lacks a random 10 % of the genes
      (``missing_genes``), as array generations differ (HG-U133A holds about
      two thirds of the genes of HG-U133 Plus 2.0) and some series deposit
      only probes that passed a detection filter. Three studies then share
      about 73 % of the genes.

    Setting ``intensity_scale_sd``, ``probe_effect_sd``,
    ``composition_shift_sd`` and ``missing_genes`` to 0 leaves the
    nonlinear response (slopes, background, saturation), which no setting
    turns off.

    **Randomness.** One :class:`numpy.random.SeedSequence` from
    ``random_state`` spawns the population's stream and one stream per
    study, so study ``k`` is the same whatever ``n_studies`` is (for the same
    other arguments).

    Parameters
    ----------
    n_studies : int, default=3
        Number of studies (>= 1).
    n_samples : int, sequence of int or None, default=None
        Samples per study (>= 4 each); None draws each study's size from 20
        to 60.
    n_genes : int, default=15000
        Genes of the population (see :func:`make_ra_cohort`); each study
        measures all but its missing genes.
    module_effects : dict of str to float, default=None
        Planted RA shifts of the cytokine activities, as in
        :func:`make_ra_cohort`.
    random_state : int, numpy Generator, RandomState or None, default=None
        Seed for everything.
    ra_fraction : float, sequence of float or None, default=None
        Share of RA patients per study (strictly between 0 and 1; every
        study keeps at least one patient and one control); None draws it.
    intensity_scale_sd : float, default=0.8
        SD of the studies' log2 global intensity scales.
    probe_effect_sd : float, default=0.5
        SD of the gene-wise log2 offsets of each study.
    composition_shift_sd : float, default=0.5
        SD of the study shifts of the programme factors.
    missing_genes : float in [0, 1), default=0.1
        Share of the genes each study's platform lacks.

    Returns
    -------
    studies : :class:`~sklearn.utils.Bunch`
        With the fields:

        ``X``, ``y``, ``groups``
            The studies combined on the genes all of them measured
            (:func:`combine_cohorts`): log2 values like
            :func:`make_ra_cohort`'s, labels (1 = RA) and the study of every
            sample (its accession, ``GSESIM1``, ...).
        ``cohorts``
            dict accession -> ``(X, y)`` of each study on its own genes, the
            input of :func:`combine_cohorts` and of
            :func:`write_geo_studies`. The linear-scale intensities a GEO
            series would hold are ``numpy.exp2(X)``.
        ``design``
            DataFrame, one row per study: ``platform``, ``n_samples``,
            ``n_ra``, ``n_control``, ``ra_fraction``, ``intensity_scale``
            (:math:`\log_2 s_k`), ``slope`` (:math:`\beta_k`),
            ``background`` (:math:`B_k`), ``n_missing_genes`` and
            ``median_intensity`` (of :math:`2^X`).
        ``gene_offsets``, ``gene_slopes``
            DataFrames (studies x genes) of :math:`o_{kg}` and
            :math:`b_{kg}`.
        ``composition_shifts``
            DataFrame (studies x programmes) of the factor shifts.
        ``missing_genes``
            dict accession -> genes the study lacks.
        ``modules``, ``module_effects``, ``programmes``
            The population's truth, as in :func:`make_ra_cohort`.
        ``samples``
            DataFrame of per-sample truth (``study``, ``RA``, ``severity``,
            ``dominant``, ``disease_programme`` with the study's shift) and
            the latent cytokine activities.
        ``DESCR``
            A description.

    Raises
    ------
    ValueError, TypeError
        For out-of-range or mistyped parameters, naming them.

    See Also
    --------
    make_ra_cohort : One cohort with a holdout.
    write_geo_studies : Write the studies as GEO series matrix files.

    Examples
    --------
    >>> from skgenecyt import make_ra_studies
    >>> studies = make_ra_studies(n_studies=3, n_samples=30, n_genes=1000, random_state=0)
    >>> studies.X.shape[0], studies.groups.unique().tolist()
    (90, ['GSESIM1', 'GSESIM2', 'GSESIM3'])
    >>> studies.design[["n_ra", "n_control", "n_missing_genes"]]
             n_ra  n_control  n_missing_genes
    GSESIM1    25          5              100
    GSESIM2    16         14              100
    GSESIM3    16         14              100
    """
    sizes = _per_study("n_samples", n_samples, n_studies, _STUDY_SIZE)
    fractions = _per_study("ra_fraction", ra_fraction, n_studies, _FRACTION)
    measurement = {
        "intensity_scale_sd": float(intensity_scale_sd), "probe_effect_sd": float(probe_effect_sd),
        "composition_shift_sd": float(composition_shift_sd), "missing_genes": float(missing_genes),
    }
    modules = load_cytokine_modules()
    params = check_parameters(
        modules, DEFAULT_MODULE_EFFECTS, n_ra=1, n_control=1, n_holdout_ra=0,
        n_holdout_control=0, n_genes=n_genes, module_effects=module_effects,
        background_effect=1.0, heterogeneity=0.3, crosstalk=0.5, n_programmes=50, noise=1.0,
        n_batches=1, batch_effect=0.0, dtype="float64",
    )
    population_seed, *study_seeds = seed_sequence(random_state).spawn(1 + n_studies)
    population = draw_population(modules, params, np.random.default_rng(population_seed))
    genes = pd.Index(population.genes)
    programme_names = [f"programme_{k + 1:02d}" for k in range(population.n_programmes)]

    cohorts, designs, samples, rows = {}, {}, [], []
    first_sample = 0
    for k, seed in enumerate(study_seeds):
        design_seed, cohort_seed = seed.spawn(2)
        design = _study_design(np.random.default_rng(design_seed), len(genes),
                               population.n_programmes, sizes, fractions, k, measurement)
        cohort = population.draw_cohort(design["n_ra"], design["n_control"],
                                        np.random.default_rng(cohort_seed), "S")
        biology = cohort.X.to_numpy() + design["composition"] @ population.loadings
        values = _measure(biology, population.mean, design)
        accession = f"GSESIM{k + 1}"
        n = len(cohort.y)
        index = pd.Index([f"GSMSIM{first_sample + i + 1:05d}" for i in range(n)])
        first_sample += n
        kept = np.setdiff1d(np.arange(len(genes)), design["missing"])
        X = pd.DataFrame(values[:, kept], index=index, columns=genes[kept])
        y = cohort.y.set_axis(index)
        cohorts[accession] = (X, y)
        designs[accession] = design
        truth = cohort.samples.set_axis(index)
        truth["disease_programme"] += design["composition"][0] if len(programme_names) else 0
        truth = truth.drop(columns="batch").join(cohort.activities.set_axis(index))
        truth.insert(0, "study", accession)
        samples.append(truth)
        rows.append(dict(
            platform=f"GPLSIM{k + 1}", n_samples=n, n_ra=design["n_ra"],
            n_control=design["n_control"], ra_fraction=design["n_ra"] / n,
            intensity_scale=design["intensity_scale"], slope=design["slope"],
            background=design["background"], n_missing_genes=len(design["missing"]),
            median_intensity=float(np.median(np.exp2(values[:, kept]))),
        ))
    combined = combine_cohorts(cohorts, min_shared=0.0)
    names = list(cohorts)
    return Bunch(
        X=combined.X,
        y=combined.y.rename("RA"),
        groups=combined.groups.rename("study"),
        cohorts=cohorts,
        design=pd.DataFrame(rows, index=pd.Index(names)),
        gene_offsets=pd.DataFrame([designs[a]["gene_offsets"] for a in names],
                                  index=names, columns=genes),
        gene_slopes=pd.DataFrame([designs[a]["slope"] * designs[a]["gene_slopes"]
                                  for a in names], index=names, columns=genes),
        composition_shifts=pd.DataFrame([designs[a]["composition"] for a in names],
                                        index=names, columns=programme_names),
        missing_genes={a: genes[designs[a]["missing"]].tolist() for a in names},
        modules={name: list(g) for name, g in population.modules.items()},
        module_effects=dict(params["module_effects"]),
        programmes=population.programme_members(),
        samples=pd.concat(samples),
        DESCR=_describe(rows, names, measurement, len(genes), combined.X.shape[1]),
    )


def _describe(rows, names, measurement, n_genes, n_shared):
    lines = [
        "Synthetic RA studies (skgenecyt.make_ra_studies)",
        "================================================",
        "",
        f"{len(names)} studies of one population ({n_genes} genes, {n_shared} measured by "
        "every study), each with its own laboratory and platform effects:",
    ]
    for name, row in zip(names, rows):
        lines.append(
            f"- {name} ({row['platform']}): {row['n_ra']} RA, {row['n_control']} controls; "
            f"log2 scale {row['intensity_scale']:+.2f}, slope {row['slope']:.2f}, background "
            f"{row['background']:.1f}, median intensity {row['median_intensity']:.0f}, "
            f"{row['n_missing_genes']} genes missing."
        )
    lines += [
        "",
        "Magnitudes: log2 intensity scale SD {intensity_scale_sd:g}; gene-wise log2 offsets SD "
        "{probe_effect_sd:g}; programme shifts SD {composition_shift_sd:g}; missing genes "
        "{missing_genes:.0%} per study; slopes U(0.8, 1) x LogNormal(0, 0.1); background "
        "2^U(2, 4); saturation at 65,535.".format(**measurement),
        "",
        "Fields: X, y, groups (shared genes), cohorts (each study on its own genes), design, "
        "gene_offsets, gene_slopes, composition_shifts, missing_genes, modules, "
        "module_effects, programmes, samples, DESCR.",
    ]
    return "\n".join(lines) + "\n"
