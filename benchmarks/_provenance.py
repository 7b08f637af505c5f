"""Where a measurement came from: the package version, its commit, the machine and the date."""

from __future__ import annotations

import platform
import subprocess
import time
from pathlib import Path

import skgenecyt


def provenance() -> dict:
    """The skgenecyt that runs (path, version, short commit), the machine and the time."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
            check=True, cwd=Path(skgenecyt.__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return dict(package=skgenecyt.__file__, version=skgenecyt.__version__, commit=commit,
                machine=platform.node(), started=time.strftime("%Y-%m-%d %H:%M"))
