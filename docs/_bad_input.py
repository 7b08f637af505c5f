"""The bad-input catalogue of the docs, produced by running the test catalogue.

``tests/test_bad_input.py`` lists every mistake the test suite feeds to the
public estimators, functions and command line, with the error each must raise.
At build time ``conf.py`` runs those same cases once and writes the errors and
messages they actually produce into a table, so the page shows real messages
and cannot drift from the tests.

Needs pytest (the ``dev`` extra), which the test module imports.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import sys
import tempfile
import warnings
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests" / "test_bad_input.py"
MAX_MESSAGE = 300  # characters of a message shown in the table


def _load_tests(path=TESTS):
    name = "_skgenecyt_docs_bad_input_cases"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _one_line(text, tmp):
    text = " ".join(str(text).replace(str(tmp), "<tmp>").split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _raised(case, tmp, *args):
    """(outcome, message, as expected) of a case that should raise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            case.call(*args)
        except Exception as error:  # the catalogue is about exactly these
            expected = isinstance(error, case.error) and re.search(case.match, str(error))
            return type(error).__name__, _one_line(error, tmp), bool(expected)
    return "no error", "", False


def _warned(case, tmp):
    """(outcome, message, as expected) of a case that should warn."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        case.call(tmp)
    for warning in caught:
        if issubclass(warning.category, case.error):
            expected = re.search(case.match, str(warning.message))
            return (warning.category.__name__, _one_line(warning.message, tmp),
                    bool(expected))
    return "no warning", "", False


def _cli(main, argv, match, tmp):
    """(outcome, last line on stderr, as expected) of a command-line case."""
    err = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stderr(err):
        warnings.simplefilter("ignore")
        try:
            status = main(argv.split())
        except SystemExit as exit_:
            status = exit_.code
    lines = err.getvalue().strip().splitlines()
    last = lines[-1] if lines else ""
    expected = status == 2 and "Traceback" not in err.getvalue() and re.search(match, last)
    return f"exit status {status}", _one_line(last, tmp), bool(expected)


def _split_id(case_id):
    """``VAETransformer-fit-NaN`` -> (``VAETransformer``, ``fit NaN``)."""
    where, _, what = case_id.partition("-")
    return where, what.replace("-", " ")


def run_catalogue(path=TESTS):
    """Run every case: rows of (entry point, mistake, outcome, message, note)."""
    cases = _load_tests(path)

    def note(expected, gap):
        if expected:
            return None
        return f"known gap: {gap}" if gap else "not the error the tests expect"

    rows = []
    with tempfile.TemporaryDirectory(prefix="skgenecyt-docs-") as folder:
        tmp = Path(folder)
        files = cases._files(tmp)
        plain = cases._estimator_cases() + cases.PARAMETER_CASES + cases.SMALL_DATA_CASES
        for case in plain:
            outcome, message, expected = _raised(case, tmp)
            rows.append((*_split_id(case.id), outcome, message, note(expected, case.known_gap)))
        for case in cases._function_cases():
            outcome, message, expected = _raised(case, tmp, files)
            rows.append((*_split_id(case.id), outcome, message, note(expected, case.known_gap)))
        for case in cases.WARNING_CASES:
            outcome, message, expected = _warned(case, tmp)
            rows.append((*_split_id(case.id), outcome, message, note(expected, case.known_gap)))
        for case_id, argv, match in cases.CLI_CASES:
            command, _, what = case_id.partition("-")
            where = f"skgenecyt {command}"
            if command != argv.split()[0]:  # a mistake before any command
                where, what = "skgenecyt", case_id
            outcome, message, expected = _cli(cases.main, argv.format(p=files), match, tmp)
            rows.append((where, what.replace("-", " "), outcome, message,
                         note(expected, None)))
    return rows


def _literal(text):
    # Inline literals cannot hold a backtick pair or start/end with a space.
    text = re.sub(r"\s+", " ", text).replace("`", "'").strip()
    return f"``{text}``" if text else ""


def render(rows=None) -> str:
    """The table that ``user_guide/bad_input.rst`` includes."""
    if rows is None:
        rows = run_catalogue()
    lines = [".. list-table::", "   :header-rows: 1", "   :widths: 24 22 54",
             "   :class: catalogue", "",
             "   * - Entry point: mistake", "     - Outcome", "     - Message"]
    for where, what, outcome, message, note in rows:
        suffix = f" (**{note}**)" if note else ""
        lines += [f"   * - ``{where}``: {what}", f"     - {outcome}",
                  f"     - {_literal(message)}{suffix}"]
    return "\n".join(lines) + "\n"
