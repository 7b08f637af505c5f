"""Outputs are never half-written and never overwrite work unasked."""

import os
import stat

import pytest

from skgenecyt.report import OutputExistsError
from skgenecyt.report._io import StagedFolder, atomic_write, check_output_dir, check_output_file


def test_atomic_write_replaces_in_one_step_and_cleans_up(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    atomic_write(target, lambda p: p.write_text("new"))
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) & 0o044  # readable like a plain file

    def interrupted(p):
        p.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, interrupted)
    assert target.read_text() == "new"
    assert os.listdir(target.parent) == ["a.txt"]  # no temporary file left behind


def test_output_checks(tmp_path):
    check_output_dir(tmp_path / "absent")
    check_output_dir(tmp_path)  # empty
    (tmp_path / "x").write_text("x")
    with pytest.raises(OutputExistsError, match=r"not empty.*--force"):
        check_output_dir(tmp_path)
    check_output_dir(tmp_path, force=True)
    with pytest.raises(OutputExistsError, match="not a folder"):
        check_output_dir(tmp_path / "x", force=True)
    with pytest.raises(OutputExistsError, match="exists"):
        check_output_file(tmp_path / "x")
    with pytest.raises(OutputExistsError, match="is a folder"):
        check_output_file(tmp_path, force=True)


def test_staged_folder_publishes_everything_at_the_end(tmp_path):
    out = tmp_path / "report"
    with StagedFolder(out) as stage:
        stage.write_text("report.md", "# hi")
        stage.write_text("data/table.csv", "a,b")
        assert not out.exists()  # nothing visible before publishing
        names = stage.publish()
    assert names == ["data/table.csv", "report.md"]
    assert (out / "report.md").read_text() == "# hi"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no staging left


def test_interrupted_run_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "report.md").write_text("old report")
    (out / "notes.txt").write_text("mine")

    def interrupted_run():
        with StagedFolder(out, force=True) as stage:
            stage.write_text("report.md", "new report")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_run()
    assert (out / "report.md").read_text() == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]
    with StagedFolder(out, force=True) as stage:
        stage.write_text("report.md", "new report")
        stage.publish()
    assert (out / "report.md").read_text() == "new report"
    assert (out / "notes.txt").read_text() == "mine"  # other files are kept


def test_non_empty_folder_is_refused_before_any_work(tmp_path):
    (tmp_path / "x").write_text("x")
    with pytest.raises(OutputExistsError):
        StagedFolder(tmp_path)
