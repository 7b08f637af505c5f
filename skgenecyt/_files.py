"""Writing files safely: never half a file, with the permissions a plain open() gives.

Used by every layer that writes (model files, cohort tables, reports), so it
sits below all of them. Temporary files and folders get unique names beside
their destination (a move then stays on one file system, where it is atomic)
and are created with the usual modes (0o666 / 0o777), which the process umask
trims as it would for any file: the umask is never read or changed, since
changing it, even briefly, would affect files other threads create.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def temporary_sibling(path):
    """An unused hidden name beside ``path``, e.g. ``.model.skgenecyt.<hex>.partial``."""
    path = Path(path)
    return path.parent / f".{path.name}.{uuid.uuid4().hex}.partial"


def atomic_write(path, write):
    """Call ``write(tmp_path)``, then move ``tmp_path`` over ``path`` in one step.

    The temporary file lies in ``path``'s folder and is removed if ``write``
    fails or is interrupted. Returns ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_sibling(path)
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def make_temporary_folder(beside):
    """Create and return an empty hidden folder beside the path ``beside``."""
    beside = Path(beside)
    beside.parent.mkdir(parents=True, exist_ok=True)
    folder = temporary_sibling(beside)
    folder.mkdir(mode=0o777)
    return folder
