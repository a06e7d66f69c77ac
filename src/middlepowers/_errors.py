"""One guard for every public helper: a clear error, never a traceback from deep inside a library.

A lesson's helpers validate what they can and raise their module's error
(``ShareError``, ``CoalitionError``, ``RhetoricInputError``: all
``ValueError``) with a message saying what to fix. :func:`guard` makes the
rest of the class impossible: any other exception escaping a helper (an
``AttributeError`` from a ``None`` where a table belongs, a pandas
``KeyError``, an ``OverflowError``...) becomes the module's error, naming the
helper and the arguments it was given.

What is on purpose is explicit: an error passes unchanged only when it is an
instance of one of the collection's error classes, the classes given to
:func:`guard` (registered in :data:`ON_PURPOSE` as each module is guarded).
A ``TypeError`` or ``ValueError`` raised anywhere else, even by a line of the
collection's own code that did not expect the input (``'x' >= 3.84``), is not
on purpose, and becomes the clear error like any other.
"""

from __future__ import annotations

import functools
import inspect
from pathlib import Path

#: The error classes the collection raises on purpose, each with a message saying what to fix.
ON_PURPOSE: set[type[Exception]] = set()


def _describe(value) -> str:
    try:
        text = repr(value)
    except Exception:  # an object whose repr fails
        text = "?"
    text = " ".join(text.split())
    return f"{type(value).__name__} {text[:40]}{'…' if len(text) > 40 else ''}"


def public_functions(namespace: dict) -> list[str]:
    """Names of the functions a module (its ``globals()``) defines for others: no ``_name``, no ``main``."""
    return [
        name
        for name, value in namespace.items()
        if inspect.isfunction(value)
        and value.__module__ == namespace["__name__"]
        and not name.startswith("_")
        and name != "main"
    ]


def guard(error_class: type[Exception], namespace: dict, make=None) -> None:
    """Wrap every public function of a module (call at its end with ``globals()``): only clear errors escape.

    A helper added later is guarded too. ``make(message)`` builds the error (default ``error_class(message)``).
    ``error_class`` joins :data:`ON_PURPOSE`: raised by any guarded helper, it passes unchanged.
    """
    ON_PURPOSE.add(error_class)
    for name in public_functions(namespace):
        namespace[name] = _guarded(namespace[name], error_class, make or error_class)


def _guarded(function, error_class, make):
    signature = inspect.signature(function)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - turned into a clear error below, unless on purpose
            if isinstance(error, (error_class, *ON_PURPOSE)):
                raise
            problem = error
        try:
            bound = signature.bind(*args, **kwargs)
            given = "; ".join(f"{k} = {_describe(v)}" for k, v in bound.arguments.items())
        except TypeError:
            given = "arguments that do not match its signature"
        message = str(problem).strip() or "no details"
        clear = make(
            f"{function.__name__}() cannot use this input ({type(problem).__name__}: {message[:200]}). "
            f"It was given: {given}. See help({function.__name__}) for what each argument must be."
        )
        clear.original = problem
        raise clear from None

    return wrapper


def read_csv(path, what: str, error: type[Exception], required=(), **options):
    """Read a CSV file a helper was given and check its columns; every failure is ``error(message)``.

    ``what`` names the table in the message ("the indicators table"). Cells
    are read as text (``dtype=str``, no NaN for words such as "NA") unless
    ``options`` say otherwise. ``required`` columns must all be present.
    """
    import pandas as pd

    if not isinstance(path, (str, Path)):
        raise error(f"{what}: give the path of a CSV file, got {type(path).__name__}")
    path = Path(path)
    if path.is_dir():
        raise error(f"{what} must be a CSV file, but {path} is a folder")
    if not path.is_file():
        raise error(f"{what}: file not found: {path.name} ({path})")
    options = {"dtype": str, "keep_default_na": False, **options}
    try:
        frame = pd.read_csv(path, **options)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise error(f"{what} at {path} is not a readable CSV file ({getattr(exc, 'strerror', None) or exc})") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise error(f"{what} ({path.name}) lacks the column(s) {', '.join(missing)}")
    return frame
