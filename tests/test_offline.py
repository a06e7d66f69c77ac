"""The notebooks run with no network and from any working directory.

A Binder or JupyterHub session may have no outbound network, and a student's
kernel may start in the repository root, in ``notebooks/`` or in a home folder
where nbgitpuller cloned the collection under another name. Each notebook is
executed for real (nbclient, a fresh kernel) in a Linux network namespace with
only loopback, which is checked to be cut off before anything runs.
"""

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from middlepowers.paths import notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = notebooks("notebooks", root=ROOT)
PROBE = (
    "import socket,sys\n"
    "s=socket.socket(); s.settimeout(2)\n"
    "try:\n    s.connect(('151.101.0.223', 443))\nexcept OSError:\n    sys.exit(0)\n"
    "sys.exit('network reachable')\n"
)


def offline(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run ``command`` in a new network namespace with only loopback up."""
    if not shutil.which("unshare") or not shutil.which("ip"):
        if os.environ.get("CI") == "true":
            pytest.fail("unshare/ip missing: cannot test offline execution in CI")
        pytest.skip("unshare or ip not installed")
    inner = "ip link set lo up && exec " + shlex.join(command)
    result = subprocess.run(
        ["unshare", "--net", "sh", "-c", inner], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    if "Operation not permitted" in result.stderr and os.environ.get("CI") != "true":
        pytest.skip("creating a network namespace needs root")
    return result


def test_network_really_blocked(tmp_path):
    result = offline([sys.executable, "-c", PROBE], tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow  # executes every lesson in a fresh kernel
def test_notebooks_run_offline_from_repo_root():
    result = offline(
        [sys.executable, "-m", "mpharness.execute", "--cwd", str(ROOT), *[str(p) for p in NOTEBOOKS]], ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # executes every lesson in a fresh kernel
def test_notebooks_run_offline_from_a_hub_home(tmp_path):
    """A copy of the collection in a home folder, under another name, finds its own data."""
    home = tmp_path / "home" / "student" / "course-copy"
    shutil.copytree(ROOT, home, ignore=shutil.ignore_patterns(".venv*", ".git", "node_modules", "test-artifacts"))
    copies = sorted((home / "notebooks").glob("*.ipynb"))
    result = offline([sys.executable, "-m", "mpharness.execute", *[str(p) for p in copies]], home)
    assert result.returncode == 0, result.stdout + result.stderr
