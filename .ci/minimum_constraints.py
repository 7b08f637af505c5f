"""Print pip constraints that pin every declared dependency to its minimum.

Reads ``pyproject.toml`` and turns each ``name>=X`` of ``[project]
dependencies`` (and of the optional-dependency groups named on the command
line) into ``name==X``, so the minimum-version CI job installs exactly the
lower bounds we declare and the two can never drift apart. A requirement
without a ``>=`` lower bound is an error: every dependency must declare the
oldest version we test.

Usage (``.ci/run_minimum`` does this)::

    python .ci/minimum_constraints.py parquet anndata > constraints-minimum.txt
    pip install -c constraints-minimum.txt -e ".[dev]"
    python .ci/minimum_constraints.py --check parquet anndata

``--show`` prints each declared distribution with its minimum and the version
installed in the running environment; ``--check`` also fails unless every one
is installed at its minimum.
"""

import argparse
import re
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import tomllib

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"

# name, optional [extras], then the version specifiers, then an optional marker.
_REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*"
    r"(?P<specs>[^;]*?)\s*(?:;\s*(?P<marker>.+))?$"
)


def minimum_pin(requirement):
    """Return the ``name==X`` constraint line for one requirement string."""
    match = _REQUIREMENT.match(requirement)
    if match is None:
        raise ValueError(f"cannot parse the requirement {requirement!r} in pyproject.toml")
    lower = [
        spec.strip()[2:].strip()
        for spec in match["specs"].split(",")
        if spec.strip().startswith(">=")
    ]
    if len(lower) != 1:
        raise ValueError(
            f"the requirement {requirement!r} in pyproject.toml must declare exactly one "
            "'>=' lower bound (the oldest version the minimum-version CI job installs)"
        )
    pin = f"{match['name']}=={lower[0]}"
    if match["marker"]:
        pin += f"; {match['marker']}"
    return pin


def minimum_constraints(pyproject, extras):
    """Return the constraint lines for the dependencies and the named extras."""
    project = tomllib.loads(Path(pyproject).read_text(encoding="utf-8"))["project"]
    optional = project.get("optional-dependencies", {})
    unknown = sorted(set(extras) - set(optional))
    if unknown:
        raise ValueError(
            f"unknown optional-dependency group(s) {unknown}; pyproject.toml declares "
            f"{sorted(optional)}"
        )
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements.extend(optional[extra])
    pins = {}
    for requirement in requirements:
        pin = minimum_pin(requirement)
        name = re.split(r"[=;]", pin, maxsplit=1)[0].lower().replace("_", "-")
        if pins.setdefault(name, pin) != pin:
            raise ValueError(
                f"{name} is declared with two different lower bounds: {pins[name]!r} and {pin!r}"
            )
    return list(pins.values())


def _release(text):
    """``"1.25"`` and ``"1.25.0"`` alike: the numeric release without trailing zeros."""
    parts = re.split(r"[.+]", text)
    numbers = []
    for part in parts:
        if not part.isdigit():
            return (text,)  # pre-releases and others compare as written
        numbers.append(int(part))
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def check_installed(lines):
    """Print pinned and installed versions; return the pins not installed exactly."""
    wrong = []
    for line in lines:
        name, pinned = line.split(";", 1)[0].split("==")
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        # a local build tag (torch's "+cpu") does not change the release
        same = installed is not None and _release(installed.split("+")[0]) == _release(pinned)
        print(f"{name:<20} minimum {pinned:<10} installed {installed}")
        if not same:
            wrong.append(f"{name} (installed {installed}, minimum {pinned})")
    return wrong


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("extras", nargs="*", help="optional-dependency groups to pin as well")
    parser.add_argument("--show", action="store_true",
                        help="print the minimum and the installed version of each")
    parser.add_argument("--check", action="store_true",
                        help="as --show, and fail unless every minimum is installed")
    args = parser.parse_args(argv)
    try:
        lines = minimum_constraints(PYPROJECT, args.extras)
    except ValueError as error:
        parser.exit(2, f"minimum_constraints.py: error: {error}\n")
    if not (args.show or args.check):
        sys.stdout.write("\n".join(lines) + "\n")
        return
    wrong = check_installed(lines)
    if args.check and wrong:
        parser.exit(1, f"minimum_constraints.py: not at the declared minimum: {', '.join(wrong)}\n")


if __name__ == "__main__":
    main()
