"""The ``skgenecyt`` command line: reproduce, benchmark, simulate, fit and perturb.

Every command only parses its arguments and calls library functions. Errors
are reported as one line on stderr with exit status 2 (``--debug`` shows the
traceback instead); Ctrl-C exits with status 130 and leaves no partial output.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from skgenecyt.report._io import check_output_dir

EPILOG = "Run 'skgenecyt COMMAND --help' for the options of a command."
#: Output formats of ``skgenecyt simulate``.
FORMATS = ("table", "geo")
#: Defaults of ``simulate``'s options that only one format takes.
_TABLE_DEFAULTS = {"n_ra": 240, "n_control": 120, "n_holdout_ra": 100, "n_holdout_control": 50}
_GEO_DEFAULTS = {"n_studies": 3, "n_samples": None}


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, like the other errors."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


class CommandError(ValueError):
    """A problem with the command's inputs, reported without a traceback."""


def build_parser():
    parser = _Parser(
        prog="skgenecyt",
        description="GeneCytNet for scikit-learn: reproduce the paper's experiment, benchmark "
                    "GeneCytNet against classical models on your data, simulate cohorts, fit "
                    "GeneCytNet to your cohort and run in-silico cytokine perturbations.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    common = _Parser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks of errors")
    common.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    _add_reproduce(commands, common)
    _add_benchmark(commands, common)
    _add_simulate(commands, common)
    _add_fit(commands, common)
    _add_perturb(commands, common)
    return parser


def _add_command(commands, common, name, func, **texts):
    """A subcommand with the --debug and --quiet options that runs ``func(args)``."""
    p = commands.add_parser(name, parents=[common], **texts)
    p.set_defaults(func=func)
    return p


# Options several commands share, worded once. Each command adds them where they stand in
# its own --help.

def _add_out_dir(p):
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")


def _add_force(p):
    p.add_argument("--force", action="store_true",
                   help="overwrite this run's files in a non-empty DIR")


def _add_random_state(p, help="seed (default: 0)"):
    p.add_argument("--random-state", type=int, default=0, metavar="N", help=help)


def _add_n_jobs(p):
    p.add_argument("--n-jobs", type=int, default=None, metavar="N",
                   help="parallel fits (default: all cores, at most 8; -1: all cores)")


def _add_cohort_inputs(p):
    """The cohort options of fit and benchmark: expression files with labels, or GEO series."""
    p.add_argument("--expression", type=Path, action="append", metavar="FILE", default=None,
                   help="expression matrix (samples x genes, log scale); repeatable: several "
                        "cohorts are combined on their shared genes")
    p.add_argument("--labels", action="append", metavar="FILE", default=None,
                   help="with --expression: labels file, or a label column of the expression "
                        "file (once for all, or once per --expression in order)")
    p.add_argument("--genes-as-rows", action="store_true",
                   help="with --expression: the files have genes as rows")
    p.add_argument("--geo", type=Path, action="append", metavar="SERIES", default=None,
                   help="GEO series matrix file, .txt or .txt.gz (repeatable)")
    p.add_argument("--annotation", type=Path, action="append", metavar="FILE", default=None,
                   help="platform table of the series (GPL SOFT file or table with probe ids "
                        "and gene symbols); once for all series, or once per --geo in order")
    p.add_argument("--label-column", metavar="NAME",
                   help="with --geo: the sample characteristic holding the class, e.g. "
                        "'disease state'; with --expression: the label column of a labels "
                        "file")
    p.add_argument("--label-map", action="append", metavar="VALUE=LABEL", default=None,
                   help="with --geo: a value of --label-column and its label, e.g. "
                        "'rheumatoid arthritis=1' (repeatable; compared ignoring case; "
                        "'VALUE=' leaves those samples out)")
    p.add_argument("--collapse", choices=("max_mean", "mean", "max_var"), default="max_mean",
                   help="with --geo: how several probes of a gene become one (default: "
                        "max_mean, the probe with the highest mean)")
    p.add_argument("--drop-missing-genes", action="store_true",
                   help="with --geo: leave out genes with missing values (fitting needs "
                        "complete data; an expression file with missing values is refused)")


def _add_reproduce(commands, common):
    p = _add_command(
        commands, common, "reproduce", _run_reproduce,
        help="reproduce the paper's experiment and write a report",
        description="Reproduce the GeneCytNet paper's experiment on the built-in synthetic "
                    "cohort: GeneCytNet and the baselines by 5-fold cross-validation and on "
                    "an independent holdout, and the cytokine perturbation analysis. Writes "
                    "report.md, report.html, CSV tables, PNG figures and results.json to "
                    "--out.",
    )
    _add_out_dir(p)
    p.add_argument("--quick", action="store_true",
                   help="a reduced run (small cohort, short training) for smoke tests")
    _add_force(p)
    _add_random_state(p, help="seed of the cohort, splits, models and resampling (default: 0)")
    _add_n_jobs(p)


def _add_benchmark(commands, common):
    p = _add_command(
        commands, common, "benchmark", _run_benchmark,
        help="GeneCytNet against the baselines on your data",
        description="Compare GeneCytNet with logistic regression, RBF SVM, random forest and "
                    "gradient boosting on your cohort: identical stratified CV splits for "
                    "every model, and an optional independent holdout with bootstrap "
                    "intervals. Files: CSV/TSV (optionally .gz), parquet or .h5ad, samples "
                    "as rows (see --genes-as-rows); a labels file has sample ids in its "
                    "first column. Several cohorts (--expression and --labels repeated, or "
                    "several --geo series with --annotation, --label-column and --label-map "
                    "as for 'skgenecyt fit') are combined on their shared genes and each is "
                    "held out in turn (leave one study out), beside the K-fold CV over all "
                    "samples. Notes on the results (flagged models, a small cohort, "
                    "optimistic within-cohort CV) are printed on stderr.",
    )
    _add_cohort_inputs(p)
    p.add_argument("--holdout-expression", type=Path, metavar="FILE",
                   help="independent holdout expression matrix")
    p.add_argument("--holdout-labels", metavar="FILE", help="labels of the holdout")
    _add_out_dir(p)
    p.add_argument("--pos-label", metavar="LABEL",
                   help="the positive (RA) class; default: the greater of the two labels")
    p.add_argument("--cv", type=int, default=5, metavar="K",
                   help="folds of the stratified CV (default: 5); with several cohorts, run "
                        "beside leaving each cohort out")
    p.add_argument("--n-repeats", type=int, default=1, metavar="R",
                   help="repetitions of the K-fold split (default: 1)")
    p.add_argument("--gene-sets", metavar="GMT",
                   help="also run GeneCytNet guided by these gene sets ('cytokine' for the "
                        "built-in IL6, TNF and IL1B modules, or a GMT file) and, as its "
                        "control, on random gene sets of the same sizes")
    _add_random_state(p)
    _add_n_jobs(p)
    _add_force(p)


def _add_simulate(commands, common):
    p = _add_command(
        commands, common, "simulate", _run_simulate,
        help="write a synthetic RA cohort (or GEO-style studies) to files",
        description="Write a synthetic RA-versus-control cohort (make_ra_cohort). FILE gets "
                    "the training expression (samples x genes; .csv, .tsv, optionally .gz, "
                    "or .parquet), and beside it: STEM.labels.csv (columns sample, RA: 1 for "
                    "rheumatoid arthritis, 0 for control), STEM.holdout.EXT and "
                    "STEM.holdout.labels.csv for the independent holdout cohort. These files "
                    "are what 'skgenecyt benchmark' reads. With --format geo, write several "
                    "studies from different laboratories (make_ra_studies) as GEO series "
                    "matrix files, GSESIMk_series_matrix.txt.gz, and their platform table, "
                    "GPLSIM_annotation.txt, into the folder --out; 'skgenecyt fit --geo' "
                    "reads them.",
    )
    # --out and --force name files here, not a report folder, so they keep their own wording.
    p.add_argument("--out", required=True, type=Path, metavar="PATH",
                   help="expression file to write (.csv, .tsv, .csv.gz, .tsv.gz, .parquet); "
                        "with --format geo, the folder to write")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table: one cohort and its holdout as tables (default); geo: several "
                        "studies as GEO series matrix files")
    # Defaults of the table format are filled in by _run_simulate, so that options of the
    # other format can be refused when given.
    p.add_argument("--n-ra", type=int, default=None, help="RA patients (default: 240)")
    p.add_argument("--n-control", type=int, default=None, help="controls (default: 120)")
    p.add_argument("--n-holdout-ra", type=int, default=None,
                   help="holdout RA patients (default: 100)")
    p.add_argument("--n-holdout-control", type=int, default=None,
                   help="holdout controls (default: 50; 0 and 0 writes no holdout)")
    p.add_argument("--n-studies", type=int, default=None,
                   help="--format geo: number of studies (default: 3)")
    p.add_argument("--n-samples", type=int, default=None,
                   help="--format geo: samples per study (default: drawn from 20 to 60)")
    p.add_argument("--n-genes", type=int, default=15000, help="genes (default: 15000)")
    p.add_argument("--module-effect", action="append", metavar="MODULE=EFFECT", default=None,
                   help="planted RA effect of a module, e.g. IL6=0.3 (repeatable; "
                        "default: IL6=2.5 TNF=1.5 IL1B=0.75)")
    _add_random_state(p)
    p.add_argument("--force", action="store_true",
                   help="overwrite existing files (with --format geo: in a non-empty folder)")


def _add_fit(commands, common):
    p = _add_command(
        commands, common, "fit", _run_fit,
        help="fit GeneCytNet to your cohort and save the model",
        description="Fit GeneCytNet (make_genecytnet) to your cohort and save it with "
                    "save_model, for 'skgenecyt perturb'. The cohort is either expression "
                    "files with labels (--expression, --labels; as for 'skgenecyt benchmark') "
                    "or one or more GEO series matrix files (--geo, repeatable) with their "
                    "platform table (--annotation) and labels taken from a sample "
                    "characteristic: --label-column 'disease state' --label-map "
                    "'rheumatoid arthritis=1' --label-map 'healthy control=0'. Samples with "
                    "other values are left out with a warning (map a value to nothing, "
                    "'osteoarthritis=', to leave it out silently). Several series (or "
                    "expression files) are combined on their shared genes (combine_cohorts), "
                    "each on its own scale: no normalisation across series is done.",
    )
    p.add_argument("--model", required=True, type=Path, metavar="FILE",
                   help="model file to write (by convention .skgenecyt)")
    _add_cohort_inputs(p)
    p.add_argument("--expression-out", type=Path, metavar="FILE",
                   help="also write the samples x genes table the model was fitted on "
                        "(.csv, .tsv, optionally .gz) and STEM.labels.csv beside it, which "
                        "'skgenecyt perturb --expression FILE --labels STEM.labels.csv' reads")
    _add_random_state(p, help="seed of the model (default: 0)")
    p.add_argument("--force", action="store_true", help="overwrite existing output files")


def _add_perturb(commands, common):
    p = _add_command(
        commands, common, "perturb", _run_perturb,
        help="cytokine perturbation effects of a saved model",
        description="Shift the genes of each cytokine module in your samples and measure "
                    "how a saved, fitted classifier's P(RA) moves, with bootstrap CIs and a "
                    "null of random gene sets of the same size. The model file is either "
                    "written by skgenecyt.save_model (loaded without pickle) or a "
                    "joblib/pickle file of a fitted estimator (e.g. joblib.dump(model, "
                    "'model.joblib')); loading a pickle runs code, so only load files you "
                    "trust.",
    )
    p.add_argument("--model", required=True, type=Path, metavar="FILE",
                   help="fitted classifier: a save_model file or a joblib/pickle file")
    p.add_argument("--expression", required=True, type=Path, metavar="FILE",
                   help="expression matrix with the model's genes")
    p.add_argument("--labels", metavar="FILE", help="labels (needed for --on ra/controls)")
    p.add_argument("--modules", type=Path, metavar="GMT",
                   help="gene sets to perturb (default: built-in IL6, TNF, IL1B modules)")
    _add_out_dir(p)
    p.add_argument("--genes-as-rows", action="store_true",
                   help="the expression file has genes as rows")
    p.add_argument("--shift", type=float, action="append", metavar="S", default=None,
                   help="shift in SD units (repeatable; default: 1)")
    p.add_argument("--on", choices=("all", "ra", "controls"), default="all",
                   help="which samples to perturb (default: all)")
    p.add_argument("--n-null", type=int, default=200, help="null gene sets (default: 200)")
    p.add_argument("--n-bootstrap", type=int, default=1000,
                   help="bootstrap resamples (default: 1000)")
    _add_random_state(p)
    _add_force(p)


# -- commands --------------------------------------------------------------------------------

def _run_reproduce(args):
    from skgenecyt.report import reproduce

    reproduce(args.out, quick=args.quick, force=args.force, random_state=args.random_state,
              n_jobs=_n_jobs(args.n_jobs), verbose=not args.quiet)
    print(args.out / "report.md")


def _run_benchmark(args):
    from skgenecyt.datasets import load_expression
    from skgenecyt.report import benchmark_report
    from skgenecyt.report._skeleton import Progress

    if (args.holdout_expression is None) != (args.holdout_labels is None):
        raise CommandError("give both --holdout-expression and --holdout-labels, or neither")
    _check_cohort_options(args)
    check_output_dir(args.out, args.force)  # refuse before reading any data
    progress = Progress(not args.quiet)
    data = _read_cohorts(args, progress)
    X, y = _drop_missing(data.X, args.drop_missing_genes, progress), data.y
    X_holdout = y_holdout = None
    sources = dict(data.sources)
    if args.holdout_expression is not None:
        X_holdout, y_holdout = load_expression(
            args.holdout_expression, args.holdout_labels, return_X_y=True,
            genes_as_rows=args.genes_as_rows,
            label_column=args.label_column if args.geo is None else None)
        X_holdout = _align_genes(X_holdout, X.columns)
        sources.update(holdout_expression=str(args.holdout_expression),
                       holdout_labels=str(args.holdout_labels))
    if args.pos_label is not None:
        y, y_holdout = (None if v is None else v.astype(str) for v in (y, y_holdout))
    results = benchmark_report(X, y, args.out, X_holdout=X_holdout, y_holdout=y_holdout,
                               groups=data.groups, cv=args.cv, n_repeats=args.n_repeats,
                               random_state=args.random_state, n_jobs=_n_jobs(args.n_jobs),
                               force=args.force, verbose=not args.quiet, sources=sources,
                               pos_label=args.pos_label, gene_sets=args.gene_sets)
    for note in results["notes"]:
        print(f"skgenecyt benchmark: note: {note}", file=sys.stderr)
    print(args.out / "report.md")


def _n_jobs(requested):
    """The command line's default: parallel fits on every core, at most 8 processes."""
    return requested if requested is not None else min(os.cpu_count() or 1, 8)


def _align_genes(X_holdout, genes):
    """The holdout's columns in the training order; a clear error when the genes differ."""
    missing = genes.difference(X_holdout.columns, sort=False)
    extra = X_holdout.columns.difference(genes, sort=False)
    if len(missing) or len(extra):
        raise CommandError(
            f"the holdout's genes differ from the training genes: {len(missing)} missing "
            f"(e.g. {list(missing[:5])}), {len(extra)} extra (e.g. {list(extra[:5])})"
        )
    return X_holdout[genes]


def _run_simulate(args):
    mine, other = ((_GEO_DEFAULTS, _TABLE_DEFAULTS) if args.format == "geo"
                   else (_TABLE_DEFAULTS, _GEO_DEFAULTS))
    given = [name for name in other if getattr(args, name) is not None]
    if given:
        options = ", ".join("--" + name.replace("_", "-") for name in given)
        raise CommandError(f"{options} do(es) not apply to --format {args.format}")
    for name, default in mine.items():
        if getattr(args, name) is None:
            setattr(args, name, default)
    if args.format == "geo":
        _simulate_geo(args)
        return
    from skgenecyt.datasets import make_ra_cohort
    from skgenecyt.report import write_cohort

    cohort = make_ra_cohort(
        n_ra=args.n_ra, n_control=args.n_control, n_holdout_ra=args.n_holdout_ra,
        n_holdout_control=args.n_holdout_control, n_genes=args.n_genes,
        module_effects=_module_effects(args.module_effect), random_state=args.random_state,
    )
    for path in write_cohort(cohort, args.out, force=args.force):
        print(path)


def _simulate_geo(args):
    from skgenecyt.datasets import make_ra_studies, write_geo_studies
    from skgenecyt.report._io import StagedFolder

    check_output_dir(args.out, args.force)  # refuse before generating anything
    studies = make_ra_studies(
        n_studies=args.n_studies, n_samples=args.n_samples, n_genes=args.n_genes,
        module_effects=_module_effects(args.module_effect), random_state=args.random_state,
    )
    with StagedFolder(args.out, args.force) as stage:
        written = write_geo_studies(studies, stage.stage, random_state=args.random_state)
        names = [p.name for p in [*written.series.values(), written.annotation]]
        stage.publish()
    for name in names:
        print(args.out / name)


def _module_effects(items):
    """``["IL6=0.3", "TNF=1"]`` -> ``{"IL6": 0.3, "TNF": 1.0}``."""
    if not items:
        return None
    effects = {}
    for item in items:
        name, _, value = item.partition("=")
        try:
            effects[name.strip()] = float(value)
        except ValueError:
            raise CommandError(f"--module-effect must look like IL6=0.3; got {item!r}") from None
    return effects


def _label_map(items):
    """``["rheumatoid arthritis=1", "osteoarthritis="]`` -> ``{...: 1, ...: None}``."""
    mapping = {}
    for item in items:
        value, sep, label = item.rpartition("=")
        if not sep or not value.strip():
            raise CommandError(f"--label-map must look like 'rheumatoid arthritis=1'; got "
                               f"{item!r}")
        label = label.strip()
        mapping[value.strip()] = (None if not label
                                  else int(label) if label.lstrip("-").isdigit() else label)
    return mapping


def _check_cohort_options(args):
    """--expression with --labels, or --geo with --label-column and --label-map."""
    if (args.expression is None) == (args.geo is None):
        raise CommandError("give either --expression (with --labels) or --geo (with "
                           "--label-column and --label-map)")
    if args.expression is not None:
        wrong = [o for o, v in (("--annotation", args.annotation), ("--label-map",
                 args.label_map)) if v]
        if wrong:
            raise CommandError(f"{', '.join(wrong)} go(es) with --geo, not --expression")
        if args.labels is None:
            raise CommandError("--expression needs --labels")
        if len(args.labels) not in (1, len(args.expression)):
            raise CommandError(f"give --labels once, or once per --expression "
                               f"({len(args.expression)}); got {len(args.labels)}")
        return
    wrong = [o for o, v in (("--labels", args.labels), ("--genes-as-rows",
             args.genes_as_rows)) if v]
    if wrong:
        raise CommandError(f"{', '.join(wrong)} go(es) with --expression, not --geo")
    if not args.label_column or not args.label_map:
        raise CommandError("--geo needs --label-column and --label-map, e.g. --label-column "
                           "'disease state' --label-map 'rheumatoid arthritis=1' --label-map "
                           "'healthy control=0'")
    if args.annotation and len(args.annotation) not in (1, len(args.geo)):
        raise CommandError(f"give --annotation once, or once per --geo ({len(args.geo)}); got "
                           f"{len(args.annotation)}")


def _read_cohorts(args, progress):
    """The cohort(s) of --expression or --geo, combined on their shared genes.

    A Bunch with ``X``, ``y``, ``groups`` (the cohort of every sample; None
    for one cohort) and ``sources`` (the inputs, for the report).
    """
    if args.geo is not None:
        return _read_geo_cohorts(args, progress)
    from sklearn.utils import Bunch

    from skgenecyt.datasets import load_expression

    paths = args.expression
    labels = args.labels * len(paths) if len(args.labels) == 1 else args.labels
    read = dict(genes_as_rows=args.genes_as_rows, label_column=args.label_column,
                return_X_y=True)
    if len(paths) == 1:
        X, y = load_expression(paths[0], labels[0], **read)
        return Bunch(X=X, y=y, groups=None,
                     sources={"expression": str(paths[0]), "labels": str(labels[0])})
    cohorts = {}
    for path, label in zip(paths, labels):
        X, y = load_expression(path, label, **read)
        name = _cohort_name(path, cohorts)
        cohorts[name] = (X, y)
        progress.say(f"{name}: {len(y)} samples ({_label_counts(y)}), {X.shape[1]} genes")
    return _combined(cohorts, progress, {"expression": [str(p) for p in paths],
                                         "labels": [str(label) for label in labels]})


def _cohort_name(path, taken):
    """A cohort's name from its file: the name without extensions, or the path if taken."""
    name = path.name.removesuffix(".gz").rsplit(".", 1)[0]
    return name if name not in taken else str(path)


def _label_counts(y):
    return ", ".join(f"{label!r}: {n}" for label, n in y.value_counts().sort_index().items())


def _combined(cohorts, progress, sources, what="cohorts"):
    from sklearn.utils import Bunch

    from skgenecyt.datasets import combine_cohorts

    combined = combine_cohorts(cohorts)
    if len(cohorts) > 1:
        progress.say(f"{len(cohorts)} {what} combined on their {combined.X.shape[1]} shared "
                     "genes")
    return Bunch(X=combined.X, y=combined.y,
                 groups=combined.groups if len(cohorts) > 1 else None, sources=sources)


def _read_geo_cohorts(args, progress):
    from skgenecyt.datasets import labels_from_metadata, read_geo_series_matrix

    annotations = args.annotation or [None]
    if len(annotations) == 1:  # one platform table for every series
        annotations = annotations * len(args.geo)
    mapping = _label_map(args.label_map)
    cohorts = {}
    for path, annotation in zip(args.geo, annotations):
        series = read_geo_series_matrix(path, annotation, collapse=args.collapse)
        y = labels_from_metadata(series.metadata, args.label_column, mapping)
        name = series.accession or path.name
        if name in cohorts:
            name = f"{name}-{series.platform}" if series.platform else str(path)
        cohorts[name] = (series.X, y)
        what = (f"{series.n_genes} genes ({series.n_probes_collapsed} probes collapsed, "
                f"{series.n_probes_multi_symbol} with several symbols and "
                f"{series.n_probes_no_symbol + series.n_probes_not_in_annotation} without "
                "one left out)" if series.annotated else "probe ids as columns")
        progress.say(f"{name}: {series.n_samples} samples, {len(y)} labelled "
                     f"({_label_counts(y)}); {series.n_probes} probes -> {what}"
                     + ("; log2 taken" if series.log_transformed else ""))
    return _combined(cohorts, progress, {
        "geo": [str(p) for p in args.geo],
        "annotation": [str(a) for a in args.annotation or []],
        "label_column": args.label_column, "label_map": args.label_map}, what="series")


def _drop_missing(X, drop, progress):
    missing = X.columns[X.isna().any()]
    if not len(missing):
        return X
    if not drop:
        raise CommandError(f"{len(missing)} gene(s) have missing values (e.g. "
                           f"{', '.join(map(str, missing[:5]))}); pass --drop-missing-genes "
                           "to leave them out")
    progress.say(f"left out {len(missing)} gene(s) with missing values; "
                 f"{X.shape[1] - len(missing)} remain")
    return X.drop(columns=missing)


def _run_fit(args):
    from sklearn.utils import Bunch

    from skgenecyt.persistence import save_model
    from skgenecyt.pipeline import make_genecytnet
    from skgenecyt.report._io import check_output_file
    from skgenecyt.report._skeleton import Progress

    _check_cohort_options(args)
    check_output_file(args.model, args.force)  # refuse before reading any data
    if args.expression_out is not None:
        from skgenecyt.report._cohort_files import cohort_paths

        for path in cohort_paths(args.expression_out, holdout=False).values():
            check_output_file(path, args.force)
    progress = Progress(not args.quiet)
    data = _read_cohorts(args, progress)
    X, y = _drop_missing(data.X, args.drop_missing_genes, progress), data.y
    model = make_genecytnet(random_state=args.random_state)
    with progress.step(f"fitting GeneCytNet on {X.shape[0]} samples x {X.shape[1]} genes"):
        model.fit(X, y)
    save_model(model, args.model, overwrite=args.force)
    print(args.model)
    if args.expression_out is not None:
        from skgenecyt.report import write_cohort

        for path in write_cohort(Bunch(X=X, y=y), args.expression_out, force=args.force):
            print(path)


def _load_model(path):
    """A fitted model from a save_model file (no pickle) or a joblib/pickle file."""
    import zipfile

    import joblib

    from skgenecyt.persistence import load_model

    if not path.is_file():
        raise FileNotFoundError(f"Model file {str(path)!r} does not exist.")
    if zipfile.is_zipfile(path):  # the format of skgenecyt.save_model
        return load_model(path)
    try:
        return joblib.load(path)
    except Exception as exc:
        raise CommandError(f"cannot load the model file {str(path)!r}: it is neither a "
                           f"save_model file nor a joblib/pickle file ({exc})") from exc


def _run_perturb(args):
    from skgenecyt.datasets import load_expression
    from skgenecyt.report import perturbation_report

    check_output_dir(args.out, args.force)  # refuse before reading any data
    model = _load_model(args.model)
    if not hasattr(model, "predict_proba"):
        raise CommandError(f"the model in {str(args.model)!r} ({type(model).__name__}) has no "
                           "predict_proba")
    X, y = load_expression(args.expression, args.labels, genes_as_rows=args.genes_as_rows,
                           return_X_y=True)
    sources = {"model": str(args.model), "expression": str(args.expression),
               "labels": args.labels, "modules": None if args.modules is None
               else str(args.modules)}
    perturbation_report(model, X, args.out, y=y, modules=args.modules,
                        shifts=tuple(args.shift or (1.0,)), on=args.on,
                        n_bootstrap=args.n_bootstrap, n_null=args.n_null,
                        random_state=args.random_state, force=args.force,
                        verbose=not args.quiet, sources=sources)
    print(args.out / "report.md")


# -- entry point -----------------------------------------------------------------------------

def main(argv=None):
    """Run the command line; returns the exit status (0 success, 2 error, 130 Ctrl-C)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("skgenecyt: interrupted; no partial output was written", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"skgenecyt {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    return 0


def _one_line(exc):
    text = " ".join(str(exc).split())
    if isinstance(exc, ValueError | TypeError | OSError | ImportError) or not text:
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _version():
    from skgenecyt import __version__

    return __version__
