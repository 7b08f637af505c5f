"""The ``skgenecyt`` command line: reproduce, benchmark, simulate and perturb.

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
                    "GeneCytNet against classical models on your data, simulate cohorts and "
                    "run in-silico cytokine perturbations.",
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
                    "first column.",
    )
    p.add_argument("--expression", required=True, type=Path, metavar="FILE",
                   help="training expression matrix (samples x genes, log scale)")
    p.add_argument("--labels", required=True, metavar="FILE",
                   help="labels file, or the name of a label column of the expression file")
    p.add_argument("--holdout-expression", type=Path, metavar="FILE",
                   help="independent holdout expression matrix")
    p.add_argument("--holdout-labels", metavar="FILE", help="labels of the holdout")
    _add_out_dir(p)
    p.add_argument("--genes-as-rows", action="store_true",
                   help="the expression files have genes as rows and samples as columns")
    p.add_argument("--label-column", metavar="NAME", help="label column of the labels files")
    p.add_argument("--pos-label", metavar="LABEL",
                   help="the positive (RA) class; default: the greater of the two labels")
    p.add_argument("--cv", type=int, default=5, metavar="K", help="folds (default: 5)")
    p.add_argument("--n-repeats", type=int, default=1, metavar="R",
                   help="repetitions of the K-fold split (default: 1)")
    _add_random_state(p)
    _add_n_jobs(p)
    _add_force(p)


def _add_simulate(commands, common):
    p = _add_command(
        commands, common, "simulate", _run_simulate,
        help="write a synthetic RA cohort to files",
        description="Write a synthetic RA-versus-control cohort (make_ra_cohort). FILE gets "
                    "the training expression (samples x genes; .csv, .tsv, optionally .gz, "
                    "or .parquet), and beside it: STEM.labels.csv (columns sample, RA: 1 for "
                    "rheumatoid arthritis, 0 for control), STEM.holdout.EXT and "
                    "STEM.holdout.labels.csv for the independent holdout cohort. These files "
                    "are what 'skgenecyt benchmark' reads.",
    )
    # --out and --force name files here, not a report folder, so they keep their own wording.
    p.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help="expression file to write (.csv, .tsv, .csv.gz, .tsv.gz, .parquet)")
    p.add_argument("--n-ra", type=int, default=240, help="RA patients (default: 240)")
    p.add_argument("--n-control", type=int, default=120, help="controls (default: 120)")
    p.add_argument("--n-holdout-ra", type=int, default=100,
                   help="holdout RA patients (default: 100)")
    p.add_argument("--n-holdout-control", type=int, default=50,
                   help="holdout controls (default: 50; 0 and 0 writes no holdout)")
    p.add_argument("--n-genes", type=int, default=15000, help="genes (default: 15000)")
    p.add_argument("--module-effect", action="append", metavar="MODULE=EFFECT", default=None,
                   help="planted RA effect of a module, e.g. IL6=0.3 (repeatable; "
                        "default: IL6=2.5 TNF=1.5 IL1B=0.75)")
    _add_random_state(p)
    p.add_argument("--force", action="store_true", help="overwrite existing files")


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

    if (args.holdout_expression is None) != (args.holdout_labels is None):
        raise CommandError("give both --holdout-expression and --holdout-labels, or neither")
    check_output_dir(args.out, args.force)  # refuse before reading any data
    read = dict(genes_as_rows=args.genes_as_rows, label_column=args.label_column)
    X, y = load_expression(args.expression, args.labels, return_X_y=True, **read)
    X_holdout = y_holdout = None
    sources = {"expression": str(args.expression), "labels": str(args.labels)}
    if args.holdout_expression is not None:
        X_holdout, y_holdout = load_expression(args.holdout_expression, args.holdout_labels,
                                               return_X_y=True, **read)
        X_holdout = _align_genes(X_holdout, X.columns)
        sources.update(holdout_expression=str(args.holdout_expression),
                       holdout_labels=str(args.holdout_labels))
    if args.pos_label is not None:
        y, y_holdout = (None if v is None else v.astype(str) for v in (y, y_holdout))
    benchmark_report(X, y, args.out, X_holdout=X_holdout, y_holdout=y_holdout, cv=args.cv,
                     n_repeats=args.n_repeats, random_state=args.random_state,
                     n_jobs=_n_jobs(args.n_jobs), force=args.force, verbose=not args.quiet,
                     sources=sources, pos_label=args.pos_label)
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
    from skgenecyt.datasets import make_ra_cohort
    from skgenecyt.report import write_cohort

    cohort = make_ra_cohort(
        n_ra=args.n_ra, n_control=args.n_control, n_holdout_ra=args.n_holdout_ra,
        n_holdout_control=args.n_holdout_control, n_genes=args.n_genes,
        module_effects=_module_effects(args.module_effect), random_state=args.random_state,
    )
    for path in write_cohort(cohort, args.out, force=args.force):
        print(path)


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
