"""The population behind make_ra_cohort: its structure, its cohorts, its parameters.

A population holds everything fixed across cohorts (genes, baselines, noise
levels, module responses, cross-talk, background programmes, batch offsets);
``Population.draw_cohort`` draws samples from it with a separate generator.
"""

from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd
from scipy.special import expit

#: Correlation of the cytokine activities within a sample (shared inflammatory tone).
TONE_CORRELATION = 0.2
#: Shape of the Gamma(k, 1/k) disease severity of RA patients (mean 1, CV 1/sqrt(k)).
SEVERITY_SHAPE = 8.0
#: Cross-talk (source cytokine, target module, share of the target's genes it drives).
CROSSTALK = (("TNF", "IL6", 0.25), ("IL1B", "TNF", 0.25))
#: Share of background genes outside every programme (pure noise genes).
UNASSIGNED_SHARE = 0.3
#: Smallest background programme.
MIN_PROGRAMME_SIZE = 10
#: Share of programme genes with a weak second programme.
SECONDARY_SHARE = 0.25
#: Value range of the log2 expression (detection floor, 16-bit scanner ceiling).
CLIP = (0.0, 16.0)


def seed_sequence(random_state):
    """A SeedSequence from None, an int >= 0, a numpy Generator or a RandomState."""
    if random_state is None:
        return np.random.SeedSequence()
    if isinstance(random_state, np.random.Generator):
        return np.random.SeedSequence(random_state.integers(2**63, size=4).tolist())
    if isinstance(random_state, np.random.RandomState):
        return np.random.SeedSequence(random_state.randint(2**31, size=4).tolist())
    return np.random.SeedSequence(int(random_state))


def _check_effect(name, value):
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}.")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}.")
    return value


def _check_effects(module_effects, names, defaults):
    if module_effects is None:
        return dict(defaults)
    unknown = [key for key in module_effects if key not in names]
    if unknown:
        raise ValueError(
            f"module_effects has unknown module(s) {unknown}; the modules are {list(names)}."
        )
    return {
        name: _check_effect(f"module_effects[{name!r}]", module_effects.get(name, 0.0))
        for name in names
    }


def check_parameters(modules, default_effects, **params):
    """Check what make_ra_cohort's validate_params cannot; return the parameters normalised.

    Types and ranges of the single parameters are checked by validate_params
    before this runs; here: genes against the modules, the module effects,
    the dtype, and enough background genes for the disease programme.
    """
    for name in ("n_ra", "n_control", "n_holdout_ra", "n_holdout_control", "n_genes",
                 "n_programmes", "n_batches"):
        params[name] = int(params[name])
    for name in ("background_effect", "heterogeneity", "crosstalk", "batch_effect", "noise"):
        params[name] = float(params[name])
    n_module_genes = sum(len(genes) for genes in modules.values())
    if params["n_genes"] < n_module_genes:
        raise ValueError(
            f"n_genes={params['n_genes']} is smaller than the {n_module_genes} genes of the "
            f"cytokine modules; use n_genes >= {n_module_genes}."
        )
    params["module_effects"] = _check_effects(
        params["module_effects"], list(modules), default_effects
    )
    try:
        dtype = None if params["dtype"] is None else np.dtype(params["dtype"])
    except TypeError:
        dtype = None
    if dtype is None or dtype not in (np.dtype("float32"), np.dtype("float64")):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {params['dtype']!r}.")
    params["dtype"] = dtype

    n_background = params["n_genes"] - n_module_genes
    n_assigned_max = n_background - int(np.ceil(UNASSIGNED_SHARE * n_background))
    if params["background_effect"] > 0 and n_assigned_max < MIN_PROGRAMME_SIZE:
        smallest = n_module_genes + int(np.ceil(MIN_PROGRAMME_SIZE / (1 - UNASSIGNED_SHARE)))
        raise ValueError(
            f"n_genes={params['n_genes']} leaves {n_background} background genes, too few "
            f"for the disease-associated programme ({MIN_PROGRAMME_SIZE} genes); use "
            f"n_genes >= {smallest} or background_effect=0."
        )
    return params


@dataclass
class Cohort:
    X: pd.DataFrame
    y: pd.Series
    activities: pd.DataFrame
    samples: pd.DataFrame


@dataclass
class Population:
    genes: list  # module genes first, then background genes
    modules: dict  # module name -> genes
    mean: np.ndarray  # (n_genes,) baseline log2 level
    noise_sd: np.ndarray  # (n_genes,)
    drive: np.ndarray  # (n_module_genes, n_modules) input weights of the activities
    amplitude: np.ndarray  # (n_module_genes,) maximal log2 induction L_g
    steepness: np.ndarray  # (n_module_genes,)
    threshold: np.ndarray  # (n_module_genes,) half-maximal drive
    loadings: np.ndarray  # (n_programmes, n_genes), zero for module genes
    primary: np.ndarray  # (n_background,) primary programme, -1 when unassigned
    batch_offsets: np.ndarray  # (n_batches, n_genes)
    effects: np.ndarray  # (n_modules,) planted activity shifts
    background_effect: float
    heterogeneity: float
    dtype: np.dtype

    @property
    def n_module_genes(self):
        return self.drive.shape[0]

    @property
    def n_background(self):
        return len(self.genes) - self.n_module_genes

    @property
    def n_programmes(self):
        return self.loadings.shape[0]

    def response(self, activities):
        """Log2 change of each module gene: a logistic (Hill) curve of its drive."""
        drive = activities @ self.drive.T
        basal = expit(-self.steepness * self.threshold)
        return self.amplitude * (expit(self.steepness * (drive - self.threshold)) - basal)

    def draw_cohort(self, n_ra, n_control, rng, prefix):
        """Draw ``n_ra`` RA patients and ``n_control`` controls in random order."""
        n = n_ra + n_control
        n_modules = len(self.effects)
        y = rng.permutation(np.r_[np.ones(n_ra, dtype=np.int64), np.zeros(n_control, np.int64)])
        ra = y == 1

        # Cytokine activities: shared tone in everyone, disease shift in RA.
        tone = np.full((n_modules, n_modules), TONE_CORRELATION)
        np.fill_diagonal(tone, 1.0)
        activities = rng.standard_normal((n, n_modules)) @ np.linalg.cholesky(tone).T
        severity = rng.gamma(SEVERITY_SHAPE, 1.0 / SEVERITY_SHAPE, size=n)
        composition = self._composition(rng, n)
        activities[ra] += self.effects.sum() * severity[ra, None] * composition[ra]

        factors = rng.standard_normal((n, self.n_programmes))
        if self.n_programmes:
            factors[ra, 0] += self.background_effect
        batch = rng.integers(len(self.batch_offsets), size=n)

        # Noise is drawn in float32 for speed, whatever the dtype, so that a float64
        # cohort holds the same draws as the float32 one.
        X = rng.standard_normal((n, len(self.genes)), dtype=np.float32).astype(
            self.dtype, copy=False
        )
        X *= self.noise_sd
        X += self.mean
        X += factors.astype(self.dtype) @ self.loadings
        if len(self.batch_offsets) > 1:
            X += self.batch_offsets[batch]
        X[:, : self.n_module_genes] += self.response(activities)
        np.clip(X, *CLIP, out=X)

        index = pd.Index([f"{prefix}{i + 1:0{max(4, len(str(n)))}d}" for i in range(n)])
        names = list(self.modules)
        has_shift = ra & (composition.max(axis=1) > 0)  # no dominant module without effects
        dominant = np.where(has_shift, np.asarray(names, dtype=object)[composition.argmax(1)], None)
        samples = pd.DataFrame(
            {
                "RA": y,
                "batch": batch,
                "severity": np.where(ra, severity, np.nan),
                "dominant": dominant,
                "disease_programme": factors[:, 0] if self.n_programmes else np.nan,
            },
            index=index,
        )
        return Cohort(
            X=pd.DataFrame(X, index=index, columns=self.genes),
            y=pd.Series(y, index=index, name="RA"),
            activities=pd.DataFrame(activities, index=index, columns=names),
            samples=samples,
        )

    def _composition(self, rng, n):
        """Per-patient cytokine composition: Dirichlet around effects / sum(effects)."""
        total = self.effects.sum()
        if total == 0:
            return np.zeros((n, len(self.effects)))
        mean = self.effects / total
        active = mean > 0
        composition = np.zeros((n, len(self.effects)))
        if self.heterogeneity == 0 or active.sum() == 1:
            composition[:] = mean
        else:
            composition[:, active] = rng.dirichlet(mean[active] / self.heterogeneity, size=n)
        return composition

    def gene_graph(self):
        """The true regulatory edges as a (source, target, weight, kind) table."""
        names = list(self.modules)
        module_of = np.repeat(np.arange(len(names)), [len(g) for g in self.modules.values()])
        edges = [
            (
                f"{names[col]}_activity",
                self.genes[row],
                float(self.drive[row, col] * self.amplitude[row]),
                "cytokine" if col == module_of[row] else "crosstalk",
            )
            for row, col in zip(*np.nonzero(self.drive))
        ]
        programmes, genes = np.nonzero(self.loadings)
        edges.extend(
            (_programme_name(k), self.genes[g], float(self.loadings[k, g]), "programme")
            for k, g in zip(programmes, genes)
        )
        return pd.DataFrame(edges, columns=["source", "target", "weight", "kind"])

    def programme_members(self):
        """Programme name -> genes whose primary programme it is."""
        background = np.asarray(self.genes[self.n_module_genes :], dtype=object)
        return {
            _programme_name(k): background[self.primary == k].tolist()
            for k in range(self.n_programmes)
        }


def _programme_name(k):
    return f"programme_{k + 1:02d}"


def draw_population(modules, params, rng):
    """Draw a population's fixed structure from validated parameters."""
    names = list(modules)
    module_genes = [gene for name in names for gene in modules[name]]
    n_module = len(module_genes)
    n_background = params["n_genes"] - n_module
    width = max(5, len(str(n_background)))
    background_genes = [f"GENE{i + 1:0{width}d}" for i in range(n_background)]
    if len(set(module_genes)) < n_module:  # the model gives each gene one own module
        raise ValueError("The cytokine modules must be disjoint to generate a cohort.")
    if set(background_genes) & set(module_genes):  # guards the naming scheme
        raise RuntimeError("Synthetic gene names collide with module gene symbols.")

    # Module genes: expressed genes with a logistic (Hill) response to their drive.
    module_of = np.repeat(np.arange(len(names)), [len(modules[name]) for name in names])
    drive = np.zeros((n_module, len(names)))
    drive[np.arange(n_module), module_of] = 1.0
    amplitude = rng.lognormal(np.log(1.0), 0.5, size=n_module)
    steepness = rng.uniform(1.0, 2.5, size=n_module)
    threshold = rng.normal(1.0, 0.5, size=n_module)
    start = np.cumsum([0] + [len(modules[name]) for name in names])
    for source, target, share in CROSSTALK:
        if source not in names or target not in names:
            continue
        t = names.index(target)
        members = np.arange(start[t], start[t + 1])
        chosen = rng.choice(members, size=round(share * len(members)), replace=False)
        drive[chosen, names.index(source)] = params["crosstalk"]

    # Baselines: module genes expressed; background genes low (30 %) or expressed.
    mean_module = np.clip(rng.normal(8.0, 1.5, size=n_module), 4.0, 13.0)
    low = rng.random(n_background) < 0.3
    mean_background = np.where(
        low, rng.normal(3.5, 0.8, n_background), rng.normal(8.0, 1.8, n_background)
    )
    mean = np.r_[mean_module, np.clip(mean_background, 1.0, 14.0)]
    # Noise: median 0.3 log2 units, up to twice as large near the detection floor.
    noise_sd = rng.lognormal(np.log(0.3), 0.3, size=params["n_genes"])
    noise_sd *= params["noise"] * (1.0 + expit(2.0 * (4.0 - mean)))

    primary, loadings = _draw_programmes(rng, n_module, n_background, params["n_programmes"])
    n_batches = params["n_batches"]
    batch_offsets = rng.normal(0.0, params["batch_effect"], size=(n_batches, params["n_genes"]))
    if n_batches == 1:
        batch_offsets[:] = 0.0

    return Population(
        genes=module_genes + background_genes,
        modules={name: list(modules[name]) for name in names},
        mean=mean.astype(params["dtype"]),
        noise_sd=noise_sd.astype(params["dtype"]),
        drive=drive,
        amplitude=amplitude,
        steepness=steepness,
        threshold=threshold,
        loadings=loadings.astype(params["dtype"]),
        primary=primary,
        batch_offsets=batch_offsets.astype(params["dtype"]),
        effects=np.array([params["module_effects"][name] for name in names]),
        background_effect=params["background_effect"],
        heterogeneity=params["heterogeneity"],
        dtype=params["dtype"],
    )


def _draw_programmes(rng, n_module, n_background, n_programmes):
    """Assign background genes to programmes; return (primary, loadings)."""
    n_genes = n_module + n_background
    n_unassigned = int(np.ceil(UNASSIGNED_SHARE * n_background))
    assigned = rng.permutation(n_background)[n_unassigned:]
    k = min(n_programmes, len(assigned) // MIN_PROGRAMME_SIZE)
    primary = np.full(n_background, -1)
    loadings = np.zeros((k, n_genes))
    if k == 0:
        return primary, loadings
    spare = len(assigned) - k * MIN_PROGRAMME_SIZE
    sizes = MIN_PROGRAMME_SIZE + rng.multinomial(spare, rng.dirichlet(np.full(k, 2.0)))
    primary[assigned] = np.repeat(np.arange(k), sizes)

    genes = n_module + assigned
    sign = np.where(rng.random(len(assigned)) < 0.15, -1.0, 1.0)
    loadings[primary[assigned], genes] = sign * np.maximum(rng.normal(0.4, 0.1, len(assigned)), 0.1)
    second = rng.random(len(assigned)) < SECONDARY_SHARE
    other = (primary[assigned] + rng.integers(1, max(k, 2), len(assigned))) % k
    keep = second & (other != primary[assigned])
    loadings[other[keep], genes[keep]] = rng.normal(0.0, 0.15, keep.sum())
    return primary, loadings
