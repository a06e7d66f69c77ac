"""The child side of :mod:`mpcourse.judge`: runs a student's cells and reports plain results, nothing else.

Started by the judge as ``python -I -c BOOT`` (see :data:`BOOT`) in an empty
temporary folder, with a scrubbed environment, its own process group and
resource limits. It reads one JSON message on stdin::

    {"path": [...sys.path...], "cells": [source, ...], "function": "my_hhi",
     "args": [[arg, ...], ...], "kwargs": [{...}, ...], "out": "/tmp/.../result.json"}

The case arguments (already resolved from ``{ table = ... }``/``{ frame = ... }``
before any student code runs) are the only thing it learns about the graded
cases: it never receives an expected value, so nothing the student's code does
here (patching modules, shadowing builtins, walking frames, lying objects,
writing to the result file) can find out what the judge wants. It writes::

    {"cells": [[index, "NameError", "message"], ...],     # cells that raised
     "defined": true,
     "results": [{"value": PLAIN} | {"error": [name, message, not_written]}, ...]}

``PLAIN`` is :func:`to_plain` of the function's return value: JSON data with
tagged tables. The judge decodes it with :func:`json.loads`, so whatever this
process writes, the judge compares only numbers, strings, lists and dicts.
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any

#: what the judge passes to ``python -I -c``: set sys.path, then run :func:`main`
BOOT = (
    "import json, sys\n"
    "message = json.loads(sys.stdin.buffer.read())\n"
    "sys.path[:0] = message['path']\n"
    "from mpcourse.judgechild import main\n"
    "main(message)\n"
)

#: the deepest nesting reported; deeper data counts as "not plain data"
MAX_DEPTH = 40


def to_plain(value: Any, depth: int = 0) -> Any:
    """JSON data for a return value: tables are tagged, anything else that is not plain data is named.

    Subclasses of ``int``, ``float`` and ``str`` are reported by their base
    value (``int.__int__``, ...), so an overridden ``__eq__``, ``__sub__`` or
    ``__float__`` changes nothing. A DataFrame is ``{"__frame__": {"columns",
    "rows"}}``, a Series ``{"__series__": {"index", "values"}}``; sets, tuples,
    numpy arrays and pandas indexes become lists.
    """
    if depth > MAX_DEPTH:
        return {"__object__": "deeply nested data"}
    kind = type(value)
    if value is None or kind is bool:
        return value
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        number = float.__float__(value)
        if math.isnan(number):
            return None  # a missing value (pandas writes NaN for it)
        return number if math.isfinite(number) else {"__object__": f"infinite number {number!r}"}
    if isinstance(value, str):
        return str.__str__(value)
    module = getattr(kind, "__module__", "") or ""
    if module.startswith("numpy") and getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        return to_plain(value.item(), depth + 1)
    if module.startswith("pandas"):
        import pandas as pd

        if isinstance(value, pd.DataFrame):
            return {
                "__frame__": {
                    "columns": [to_plain(c, depth + 1) for c in value.columns],
                    "rows": [[to_plain(v, depth + 1) for v in row] for row in value.itertuples(index=False)],
                }
            }
        if isinstance(value, pd.Series):
            return {
                "__series__": {
                    "index": [to_plain(k, depth + 1) for k in value.index],
                    "values": [to_plain(v, depth + 1) for v in value.tolist()],
                }
            }
        if isinstance(value, pd.Index):
            return [to_plain(v, depth + 1) for v in value.tolist()]
    if module.startswith("numpy") and type(value).__name__ == "ndarray":
        return [to_plain(v, depth + 1) for v in value.tolist()]
    if kind in (list, tuple, set, frozenset):
        return [to_plain(v, depth + 1) for v in value]
    if kind is dict:
        out = {}
        for key, item in value.items():
            plain_key = to_plain(key, depth + 1)
            if not isinstance(plain_key, (str, int, float, bool)) and plain_key is not None:
                return {"__object__": "a dict with keys that are not plain data"}
            out[str(plain_key)] = to_plain(item, depth + 1)
        return out
    return {"__object__": getattr(kind, "__name__", "object")}


def _error(error: BaseException) -> list:
    try:
        text = str(error).splitlines()[0][:200] if str(error).strip() else ""
    except BaseException:  # noqa: BLE001 - a broken __str__
        text = ""
    return [type(error).__name__, text, isinstance(error, NotImplementedError)]


def main(message: dict) -> None:
    """Run the cells, call the function on every case, write the plain results to ``message["out"]``."""
    out_path = message["out"]
    args_list, kwargs_list = message["args"], message["kwargs"]
    from middlepowers.checks import resolve_value
    from middlepowers.paths import repo_root

    root = repo_root()
    # the inputs are built before any student code runs
    inputs = [
        ([resolve_value(v, root) for v in args], {k: resolve_value(v, root) for k, v in kwargs.items()})
        for args, kwargs in zip(args_list, kwargs_list)
    ]
    namespace: dict = {"__name__": "__main__", "display": lambda *a, **k: None}
    failed = []
    for index, source in enumerate(message["cells"]):
        try:
            exec(compile(source, f"<answer cell {index + 1}>", "exec"), namespace)  # noqa: S102 - the point
        except BaseException as error:  # noqa: BLE001 - a cell may raise anything, even SystemExit
            failed.append([index, *_error(error)[:2]])
    func = namespace.get(message["function"])
    results = []
    if callable(func):
        for args, kwargs in inputs:
            try:
                value = func(*args, **kwargs)
            except BaseException as error:  # noqa: BLE001
                results.append({"error": _error(error)})
                continue
            try:
                results.append({"value": to_plain(value)})
            except BaseException as error:  # noqa: BLE001 - a result whose conversion raises is not plain data
                results.append({"value": {"__object__": f"{type(value).__name__} ({type(error).__name__})"}})
    text = json.dumps({"cells": failed, "defined": callable(func), "results": results}, allow_nan=False)
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    sys.stdout.flush()
    os._exit(0)  # no atexit handler a student registered runs after the report
