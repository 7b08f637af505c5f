"""Writing outputs safely: never over existing work unasked, never half a file.

Every file is written to a temporary name in the destination's folder and
then moved over its final name with :func:`os.replace`, which is atomic on one
file system: a reader sees the old file or the new one, never a partial one.
A report folder is assembled in a hidden staging folder beside it and only
published once everything is computed and written, so an interrupted run
(Ctrl-C, a crash) leaves the destination as it was.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

from skgenecyt._files import atomic_write, make_temporary_folder

__all__ = ["OutputExistsError", "StagedFolder", "atomic_write", "check_output_dir",
           "check_output_file"]


class OutputExistsError(FileExistsError):
    """The output already holds files and overwriting was not asked for."""


def check_output_dir(path, force=False):
    """Refuse a destination folder that is a file, or non-empty without ``force``."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputExistsError(f"Output {str(path)!r} exists and is not a folder.")
    if path.is_dir() and any(path.iterdir()) and not force:
        raise OutputExistsError(
            f"Output folder {str(path)!r} is not empty; choose another folder or pass "
            "--force (force=True) to overwrite the files this run writes."
        )
    return path


def check_output_file(path, force=False):
    """Refuse an existing file (or a folder) at ``path`` unless ``force`` is given."""
    path = Path(path)
    if path.is_dir():
        raise OutputExistsError(f"Output {str(path)!r} is a folder, not a file.")
    if path.exists() and not force:
        raise OutputExistsError(
            f"Output file {str(path)!r} exists; pass --force (force=True) to overwrite it."
        )
    return path


class StagedFolder:
    """Collect a report's files out of sight, then publish them together.

    Use as a context manager: files are written under :meth:`path` into a
    hidden staging folder next to ``out``; :meth:`publish` moves them into
    ``out``. Leaving the block without publishing (an error, Ctrl-C) deletes
    the staging folder and leaves ``out`` untouched. Files of ``out`` that
    this run does not write are kept.
    """

    #: Written last, so that a report never points at figures not yet in place.
    LAST = ("report.html", "report.md")

    def __init__(self, out, force=False):
        self.out = check_output_dir(out, force)
        self.stage = None

    def __enter__(self):
        self.stage = make_temporary_folder(self.out)
        return self

    def __exit__(self, *exc_info):
        if self.stage is not None and self.stage.exists():
            shutil.rmtree(self.stage, ignore_errors=True)
        return False

    def path(self, name):
        """Where to write the output file ``name`` (relative to the folder)."""
        target = self.stage / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_text(self, name, text):
        self.path(name).write_text(text, encoding="utf-8")

    def write_figure(self, name, fig, dpi=120):
        """Save a matplotlib Figure as PNG; returns the PNG bytes (for embedding)."""
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        data = buffer.getvalue()
        self.path(name).write_bytes(data)
        return data

    def publish(self):
        """Move every staged file into ``out``; returns their relative names."""
        names = sorted(
            (p.relative_to(self.stage).as_posix() for p in self.stage.rglob("*") if p.is_file()),
            key=lambda n: (n in self.LAST, self.LAST.index(n) if n in self.LAST else 0, n),
        )
        if not self.out.exists():
            os.replace(self.stage, self.out)  # one atomic step for a new folder
        else:
            for name in names:
                (self.out / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.stage / name, self.out / name)
        return names
