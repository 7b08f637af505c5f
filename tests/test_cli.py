"""The skgenecyt command line: help, outputs, exit codes, refusal to overwrite."""

import json
import subprocess
import sys
from importlib.metadata import entry_points

import joblib
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgenecyt import load_expression
from skgenecyt.cli import main

COMMANDS = ["reproduce", "benchmark", "simulate", "perturb"]


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err, command):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"skgenecyt {command}: error: ")
    assert "Traceback" not in err
    return lines[0]


def run_failing(argv, capsys):
    """Run a command that must fail with exit status 2; its one-line error message."""
    code, _, err = run(argv, capsys)
    assert code == 2, err
    return one_line_error(err, argv[0])


@pytest.fixture(scope="module")
def cohort_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cohort")
    code = main(["simulate", "--out", str(folder / "cohort.csv"), "--n-ra", "24",
                 "--n-control", "16", "--n-holdout-ra", "12", "--n-holdout-control", "8",
                 "--n-genes", "300", "--random-state", "1"])
    assert code == 0
    return folder


@pytest.fixture(scope="module")
def training_data(cohort_files):
    return load_expression(cohort_files / "cohort.csv", cohort_files / "cohort.labels.csv",
                           return_X_y=True)


@pytest.fixture(scope="module")
def fitted_model(training_data):
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.1)).fit(*training_data)


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command in out


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "--out" in capsys.readouterr().out


def test_usage_errors_are_one_line_with_exit_code_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["reproduce"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0
    assert "--out" in err
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2


def test_python_dash_m_and_the_console_script():
    proc = subprocess.run([sys.executable, "-m", "skgenecyt", "--help"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: skgenecyt")
    scripts = entry_points(group="console_scripts")
    assert scripts["skgenecyt"].value == "skgenecyt.cli:main"


def test_simulate_writes_files_load_expression_reads(cohort_files, training_data):
    X, y = training_data
    assert X.shape == (40, 300)
    assert sorted(y.value_counts().items()) == [(0, 16), (1, 24)]
    assert (cohort_files / "cohort.holdout.csv").is_file()


def test_simulate_refuses_to_overwrite(cohort_files, capsys):
    before = (cohort_files / "cohort.labels.csv").read_text()
    message = run_failing(["simulate", "--out", str(cohort_files / "cohort.csv"),
                           "--n-genes", "200"], capsys)
    assert "--force" in message
    assert (cohort_files / "cohort.labels.csv").read_text() == before


def test_missing_input_file_is_one_line_and_debug_shows_the_traceback(tmp_path, capsys):
    argv = ["benchmark", "--expression", str(tmp_path / "nope.csv"), "--labels",
            str(tmp_path / "nope.labels.csv"), "--out", str(tmp_path / "out")]
    assert "nope.csv" in run_failing(argv, capsys)
    with pytest.raises(FileNotFoundError):
        main([*argv, "--debug"])
    assert not (tmp_path / "out").exists()


def test_holdout_needs_both_files(cohort_files, tmp_path, capsys):
    message = run_failing(["benchmark", "--expression", str(cohort_files / "cohort.csv"),
                           "--labels", str(cohort_files / "cohort.labels.csv"),
                           "--holdout-expression", str(cohort_files / "cohort.holdout.csv"),
                           "--out", str(tmp_path / "out")], capsys)
    assert "--holdout-labels" in message


def test_perturb_a_saved_model(cohort_files, fitted_model, tmp_path, capsys):
    joblib.dump(fitted_model, tmp_path / "model.joblib")
    out = tmp_path / "perturb"
    argv = ["perturb", "--model", str(tmp_path / "model.joblib"), "--expression",
            str(cohort_files / "cohort.holdout.csv"), "--out", str(out), "--n-null", "10",
            "--n-bootstrap", "50", "--quiet"]
    code, stdout, err = run(argv, capsys)
    assert code == 0, err
    assert stdout.strip().endswith("report.md")
    for name in ("report.md", "report.html", "perturbation_effects.csv", "coverage.csv",
                 "perturbation_effects.png", "dose_response.png", "results.json"):
        assert (out / name).is_file(), name
    results = json.loads((out / "results.json").read_text())
    assert [r["module"] for r in results["perturbation_effects"]] == ["IL6", "TNF", "IL1B"]
    assert "not empty" in run_failing(argv, capsys)  # second run into the same folder


def test_perturb_rejects_a_file_that_is_not_a_model(cohort_files, tmp_path, capsys):
    (tmp_path / "model.joblib").write_text("not a pickle")
    message = run_failing(["perturb", "--model", str(tmp_path / "model.joblib"),
                           "--expression", str(cohort_files / "cohort.csv"),
                           "--out", str(tmp_path / "o")], capsys)
    assert "neither a save_model file nor" in message


def test_perturb_reads_save_model_files(cohort_files, fitted_model, tmp_path, capsys):
    from skgenecyt.persistence import save_model

    save_model(fitted_model, tmp_path / "model.skgenecyt")
    code, _, err = run(["perturb", "--model", str(tmp_path / "model.skgenecyt"),
                        "--expression", str(cohort_files / "cohort.csv"), "--labels",
                        str(cohort_files / "cohort.labels.csv"), "--on", "controls",
                        "--out", str(tmp_path / "o"), "--n-null", "5", "--n-bootstrap", "20",
                        "--shift", "-1", "--shift", "1", "--quiet"], capsys)
    assert code == 0, err
    results = json.loads((tmp_path / "o" / "results.json").read_text())
    effects = results["perturbation_effects"]
    assert sorted({row["shift"] for row in effects}) == [-1.0, 1.0]
    assert {row["on"] for row in effects} == {"controls"}


@pytest.mark.slow
def test_reproduce_quick_writes_every_output(tmp_path, capsys):
    out = tmp_path / "quick"
    code, stdout, err = run(["reproduce", "--out", str(out), "--quick"], capsys)
    assert code == 0, err
    assert stdout.strip() == str(out / "report.md")
    assert "[skgenecyt] benchmark" in err  # progress on stderr
    for name in ("report.md", "report.html", "benchmark.csv", "cv_results.csv",
                 "holdout_predictions.csv", "perturbation_effects.csv", "dose_response.csv",
                 "cv_auc.png", "roc_holdout.png", "perturbation_effects.png",
                 "dose_response.png", "results.json"):
        assert (out / name).stat().st_size > 0, name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left
    results = json.loads((out / "results.json").read_text())
    assert results["quick"] is True
    models = [row["model"] for row in results["benchmark"]]
    assert models == ["GeneCytNet", "logistic_regression", "svm_rbf", "random_forest",
                      "gradient_boosting"]
    assert set(results["perturbation_effects"]) == set(models)
    assert results["environment"]["packages"]["torch"]
    assert results["models"]["GeneCytNet"]["class"] == "skgenecyt.pipeline.GeneCytNet"
    # the control for prior knowledge: the default row is the benchmark's own
    prior = results["prior_gene_sets"]
    assert [row["model"] for row in prior["table"]] == [
        "GeneCytNet", "GeneCytNet, cytokine sets", "GeneCytNet, random sets"]
    assert prior["table"][0] == {k: results["benchmark"][0][k] for k in prior["table"][0]}
    by_model = {row["model"]: row["cv_roc_auc_mean"] for row in prior["table"]}
    gap = by_model["GeneCytNet, cytokine sets"] - by_model["GeneCytNet, random sets"]
    assert prior["cv_gap_to_random_sets"] == pytest.approx(gap)
    assert prior["beats_random_sets_by_more_than_spread"] == (gap > prior["cv_spread"])
    guided_steps = dict(results["models"]["GeneCytNet, cytokine sets"]["params"]["steps"])
    assert guided_steps["features"]["params"]["gene_sets"] == "cytokine"
    report = (out / "report.md").read_text()
    for text in ("0.962 ± 0.005", "0.957 ± 0.006", "+0.12 ± 0.03", "QUICK RUN", "Targets",
                 "Prior gene sets and their control"):
        assert text in report, text
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 4
    # every model's holdout AUC in the report agrees with the predictions file
    table = (out / "benchmark.csv").read_text()
    assert "holdout_roc_auc_ci_low" in table.splitlines()[0]


def test_reproduce_refuses_a_non_empty_folder_before_any_work(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    # one line only: no progress lines, so it refused before generating anything
    assert "not empty" in run_failing(["reproduce", "--out", str(tmp_path), "--quick"], capsys)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_interrupted_reproduce_leaves_nothing_behind(tmp_path, capsys, monkeypatch):
    import skgenecyt.report._reproduce as reproduce_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(reproduce_module, "benchmark", interrupted)
    out = tmp_path / "report"
    code, _, err = run(["reproduce", "--out", str(out), "--quick", "--quiet"], capsys)
    assert code == 130
    assert "interrupted" in err
    assert list(tmp_path.iterdir()) == []


def test_benchmark_on_files_writes_the_report(cohort_files, tmp_path, capsys):
    out = tmp_path / "bench"
    code, stdout, err = run(
        ["benchmark", "--expression", str(cohort_files / "cohort.csv"),
         "--labels", str(cohort_files / "cohort.labels.csv"),
         "--holdout-expression", str(cohort_files / "cohort.holdout.csv"),
         "--holdout-labels", str(cohort_files / "cohort.holdout.labels.csv"),
         "--out", str(out), "--cv", "3", "--quiet"], capsys)
    assert code == 0, err
    assert stdout.strip() == str(out / "report.md")
    for name in ("report.md", "report.html", "benchmark.csv", "cv_results.csv",
                 "holdout_predictions.csv", "cv_auc.png", "roc_holdout.png", "results.json"):
        assert (out / name).is_file(), name
    results = json.loads((out / "results.json").read_text())
    assert results["data"] == {"n_samples": 40, "n_features": 300, "n_holdout": 20,
                               "pos_label": 1}
    assert len(results["benchmark"]) == 5
    assert results["sources"]["expression"].endswith("cohort.csv")
