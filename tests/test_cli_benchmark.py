"""skgenecyt benchmark with several cohorts: expression files or GEO series, each held out."""

import json
import re

import pandas as pd
import pytest

from skgenecyt import CohortWarning, make_ra_studies
from skgenecyt.cli import main

LABEL_OPTIONS = ["--label-column", "disease state", "--label-map", "rheumatoid arthritis=1",
                 "--label-map", "healthy control=0"]


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def studies():
    return make_ra_studies(n_studies=3, n_samples=20, n_genes=300, random_state=3)


@pytest.fixture(scope="module")
def cohort_files(studies, tmp_path_factory):
    """Each study as an expression file with its labels file, and with a label column."""
    folder = tmp_path_factory.mktemp("cohorts")
    for name, (X, y) in studies.cohorts.items():
        X.to_csv(folder / f"{name}.csv.gz")
        y.rename("RA").to_csv(folder / f"{name}.labels.csv", index_label="sample")
        X.assign(RA=y).to_csv(folder / f"{name}.with_labels.csv")
    return folder


def _notes(err):
    return [line for line in err.splitlines() if line.startswith("skgenecyt benchmark: note: ")]


def test_several_expression_files_hold_each_cohort_out(cohort_files, fast_benchmark_models,
                                                       tmp_path, capsys):
    out = tmp_path / "report"
    names = ["GSESIM1", "GSESIM2", "GSESIM3"]
    argv = ["benchmark", "--out", out, "--cv", "3", "--n-jobs", "1"]
    for name in names:
        argv += ["--expression", cohort_files / f"{name}.csv.gz",
                 "--labels", cohort_files / f"{name}.labels.csv"]
    code, stdout, err = run(argv, capsys)
    assert code == 0, err
    assert stdout.strip() == str(out / "report.md")
    assert "[skgenecyt] GSESIM2: 20 samples (" in err
    assert "3 cohorts combined on their" in err
    results = json.loads((out / "results.json").read_text())
    assert [c["cohort"] for c in results["cohorts"]] == names
    assert {r["cohort"] for r in results["group_results"]} == set(names)
    assert results["sources"]["expression"] == [str(cohort_files / f"{n}.csv.gz")
                                                for n in names]
    notes = _notes(err)
    assert [n.removeprefix("skgenecyt benchmark: note: ") for n in notes] == results["notes"]
    assert notes[0].startswith("skgenecyt benchmark: note: Flagged results: ")
    assert "dummy (constant scores in 3/3 held-out cohorts" in notes[0]
    assert any("The training data are small: 60 samples" in n for n in notes)
    group_results = pd.read_csv(out / "group_results.csv")
    assert group_results.groupby("model").size().to_dict() == {"GeneCytNet": 3, "dummy": 3}


def test_one_label_column_for_every_expression_file(cohort_files, fast_benchmark_models,
                                                    tmp_path, capsys):
    argv = ["benchmark", "--out", tmp_path / "r", "--labels", "RA", "--quiet", "--n-jobs", "1"]
    for name in ("GSESIM1", "GSESIM3"):
        argv += ["--expression", cohort_files / f"{name}.with_labels.csv"]
    code, _, err = run(argv, capsys)
    assert code == 0, err
    assert "[skgenecyt]" not in err  # --quiet: no progress, the notes still come
    assert _notes(err)
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    # the cohorts are named after their files
    assert [c["cohort"] for c in results["cohorts"]] == ["GSESIM1.with_labels",
                                                         "GSESIM3.with_labels"]


@pytest.mark.slow
def test_geo_series_leave_one_study_out_with_every_model(tmp_path, capsys):
    geo = tmp_path / "geo"
    assert main(["simulate", "--format", "geo", "--n-studies", "3", "--n-samples", "20",
                 "--n-genes", "300", "--random-state", "5", "--out", str(geo), "--quiet"]) == 0
    out = tmp_path / "report"
    argv = ["benchmark", *[a for p in sorted(geo.glob("*_series_matrix.txt.gz"))
                           for a in ("--geo", p)],
            "--annotation", geo / "GPLSIM_annotation.txt", *LABEL_OPTIONS,
            "--cv", "2", "--out", out, "--n-jobs", "2"]
    with pytest.warns(CohortWarning, match="took log2"):
        code, _, err = run(argv, capsys)
    assert code == 0, err
    assert "3 series combined on their" in err
    results = json.loads((out / "results.json").read_text())
    assert [row["model"] for row in results["benchmark"]] == [
        "GeneCytNet", "logistic_regression", "svm_rbf", "random_forest", "gradient_boosting"]
    assert all(row["n_cohorts"] == 3 for row in results["benchmark"])
    assert results["sources"]["label_map"] == ["rheumatoid arthritis=1", "healthy control=0"]
    for name in ("cohort_scores.png", "cv_auc.png", "group_results.csv", "within_results.csv"):
        assert (out / name).is_file(), name
    report = (out / "report.md").read_text()
    assert "## Held-out cohorts" in report
    assert re.search(r"\| GSESIM1 \| 20 \| 0\.\d\d \|", report)
    assert _notes(err)


@pytest.mark.parametrize(("extra", "match"), [
    ([], r"give either --expression \(with --labels\) or --geo"),
    (["--expression", "a.csv", "--expression", "b.csv", "--expression", "c.csv",
      "--labels", "a.csv", "--labels", "b.csv"],
     r"give --labels once, or once per --expression \(3\); got 2"),
    (["--geo", "s.txt", "--labels", "y.csv", *LABEL_OPTIONS],
     r"--labels go\(es\) with --expression, not --geo"),
    (["--geo", "s.txt"], r"--geo needs --label-column and --label-map"),
])
def test_benchmark_input_errors(tmp_path, capsys, extra, match):
    code, _, err = run(["benchmark", "--out", tmp_path / "r", *extra], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("skgenecyt benchmark: error: "), err
    assert re.search(match, lines[0]), lines[0]
    assert not (tmp_path / "r").exists()


def test_gene_sets_from_a_gmt_file_add_the_guided_model_and_its_control(
        studies, cohort_files, fast_benchmark_models, tmp_path, capsys):
    genes = list(studies.cohorts["GSESIM1"][0].columns)
    gmt = tmp_path / "sets.gmt"
    gmt.write_text(f"FIRST\tdescription\t{chr(9).join(genes[:12])}\n"
                   f"SECOND\tdescription\t{chr(9).join(genes[40:48])}\n")
    out = tmp_path / "report"
    code, _, err = run(["benchmark", "--out", out, "--cv", "3", "--gene-sets", gmt,
                        "--expression", cohort_files / "GSESIM1.csv.gz",
                        "--labels", cohort_files / "GSESIM1.labels.csv"], capsys)
    assert code == 0, err
    results = json.loads((out / "results.json").read_text())
    assert [r["model"] for r in results["prior_gene_sets"]["table"]] == [
        "GeneCytNet", "GeneCytNet, prior sets", "GeneCytNet, random sets"]
    assert "Prior gene sets and their control" in (out / "report.md").read_text()
