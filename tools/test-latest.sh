#!/bin/bash
# Rot watch (`make test-latest`): run the notebook suite and the unit tests on
# the NEWEST releases of every package in requirements.in, in a separate
# environment (.venv-latest, ignored by git), so a breaking release shows up
# here before it reaches students. The lock (requirements.txt) is not touched.
#
#   bash tools/test-latest.sh            # create/refresh .venv-latest, then test
#   KEEP=1 bash tools/test-latest.sh     # reuse .venv-latest as it is
#   bash tools/test-latest.sh -m ""      # also the browser and hub tests
#
# Prints the packages whose newest release differs from the lock, then the
# test results. Exit status: pytest's (0 = the newest releases pass).
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=.venv-latest
BIN=$VENV/bin

if [[ "${KEEP:-}" != 1 || ! -x $BIN/python ]]; then
    echo "==> test-latest: a fresh $VENV with the newest release of every package in requirements.in (about 1 GB from PyPI)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$BIN/python" -m pip install --quiet --upgrade pip setuptools wheel
    # No pins: whatever is newest today.
    "$BIN/python" -m pip install --quiet --upgrade --upgrade-strategy eager -r requirements.in
    "$BIN/python" -m pip install --quiet --no-deps -e .
fi

echo "== newest releases that differ from requirements.txt =="
"$BIN/python" - <<'PY'
import re
from importlib.metadata import distributions

def canon(name):
    return re.sub(r"[-_.]+", "-", name).lower()

lock = {}
for line in open("requirements.txt"):
    m = re.match(r"^([A-Za-z0-9][A-Za-z0-9_.\-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
    if m:
        lock[canon(m.group(1))] = m.group(2)
have = {canon(d.metadata["Name"]): d.version for d in distributions()}
changed = [(n, lock[n], have[n]) for n in sorted(lock) if n in have and have[n] != lock[n]]
for name, old, new in changed:
    print(f"  {name}: {old} -> {new}")
new = sorted(set(have) - set(lock) - {"pip", "middlepowers"})
if new:
    print("  not in the lock:", ", ".join(f"{n} {have[n]}" for n in new))
print(f"  ({len(changed)} of {len(lock)} locked packages differ)")
PY

echo "== notebooks (strict nbval) and unit tests on the newest releases =="
set +e
# The paths (every notebook folder and tests/) and the nbval flags come from
# pyproject.toml, as for `make test`.
"$BIN/python" -m pytest -n 2 -m "not browser and not hub" "$@"
status=$?
set -e
exit $status
