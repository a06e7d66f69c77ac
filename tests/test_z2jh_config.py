"""deploy/z2jh/config.yaml is valid for the pinned Zero to JupyterHub chart, and agrees with the repo.

helm merges the chart's default values with the user's values (maps merged
key by key, anything else replaced, ``null`` deletes a key) and validates the
result against the chart's ``values.schema.json``; this test does the same,
offline, with the copies in ``deploy/z2jh/chart-<version>/`` (see SOURCE.md
there). It also checks what the schema cannot: the image is built from this
repository, the default URL opens the start notebook in the folder the
course link pulls into, the students' server config is where postBuild puts it.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from middlepowers.paths import repo_root
from mpcourse.link import GITHUB_REPO, REPO_URL, START_NOTEBOOK, target_dir
from mpcourse.link import is_placeholder as link_is_placeholder

ROOT = repo_root(Path(__file__).parent)
CHART = "4.4.0"
CHART_DIR = ROOT / "deploy" / "z2jh" / f"chart-{CHART}"
CONFIG = ROOT / "deploy" / "z2jh" / "config.yaml"


def helm_merge(defaults: dict, values: dict) -> dict:
    """Merge ``values`` over ``defaults`` as helm does (``null`` removes a default key).

    >>> helm_merge({"a": {"b": 1, "c": 2}, "l": [1]}, {"a": {"c": None, "d": 3}, "l": [2]})
    {'a': {'b': 1, 'd': 3}, 'l': [2]}
    """
    out = copy.deepcopy(defaults)
    for key, value in values.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = helm_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def schema_errors(values: dict) -> list[str]:
    """Every schema violation of ``values`` merged over the chart's defaults, as text."""
    schema = json.loads((CHART_DIR / "values.schema.json").read_text())
    defaults = yaml.safe_load((CHART_DIR / "values.yaml").read_text())
    validator = jsonschema.Draft7Validator(schema)
    return [
        f"{'.'.join(map(str, e.absolute_path)) or '<top>'}: {e.message}"
        for e in validator.iter_errors(helm_merge(defaults, values))
    ]


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load(CONFIG.read_text())


def test_chart_copy_is_complete_and_pinned():
    source = (CHART_DIR / "SOURCE.md").read_text()
    assert f"Tag `{CHART}`" in source and "commit `" in source
    assert f"--version {CHART}" in CONFIG.read_text(), "config.yaml's helm command names another chart version"
    # the chart's own defaults pass its own schema (the copies belong together)
    assert schema_errors({}) == []


def test_config_is_valid_for_the_chart(config):
    assert schema_errors(config) == []


@pytest.mark.parametrize(
    "broken, where",
    [
        ({"singleuser": {"memroy": {"limit": "1G"}}}, "singleuser"),  # a typo in a key
        ({"cull": {"timeout": "an hour"}}, "cull.timeout"),  # a wrong type
        ({"singleuser": {"defaultUrl": 3}}, "singleuser.defaultUrl"),
    ],
)
def test_schema_check_catches_mistakes(config, broken, where):
    errors = schema_errors(helm_merge(config, broken))
    assert any(e.startswith(where) for e in errors), errors


def test_image_pull_and_default_url_agree_with_the_course_link(config):
    single = config["singleuser"]
    assert single["image"]["name"].endswith("/" + GITHUB_REPO.split("/")[1])
    folder = target_dir(REPO_URL)
    command = single["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[:2] == ["sh", "-c"] and command[3:] == [REPO_URL, "main", folder]
    assert single["defaultUrl"] == f"/lab/tree/{folder}/{START_NOTEBOOK}"
    assert (ROOT / START_NOTEBOOK).is_file()
    assert single["extraEnv"]["PYTHONPATH"] == f"/home/jovyan/{folder}/src"


def test_students_server_config_reaches_the_image(config):
    """postBuild copies deploy/singleuser/ to the folder JUPYTER_CONFIG_PATH names."""
    target = config["singleuser"]["extraEnv"]["JUPYTER_CONFIG_PATH"]
    post_build = (ROOT / "postBuild").read_text()
    assert target.replace("/srv/conda/envs/notebook", "${NB_PYTHON_PREFIX}") in post_build
    assert "deploy/singleuser/" in post_build
    server = json.loads((ROOT / "deploy" / "singleuser" / "jupyter_server_config.json").read_text())
    extensions = server["ServerApp"]["jpserver_extensions"]
    # what students use must stay on: JupyterLab and nbgitpuller are never switched off here
    assert not {"jupyterlab", "nbgitpuller"} & set(extensions)


def test_memory_guarantee_covers_a_measured_student(config):
    """The guarantee is at least the measured PSS of a student with the heaviest lesson open."""
    results = ROOT / "bench-results.json"
    runs = json.loads(results.read_text()).get("class", []) if results.exists() else []
    measured = [r["pss_mib_per_student"] for r in runs if r.get("pss_mib_per_student") and r.get("label") == ""]
    if not measured:
        pytest.skip("no class load figures in bench-results.json (make bench-class)")
    memory = config["singleuser"]["memory"]
    to_mib = {"M": 10**6 / 2**20, "G": 10**9 / 2**20, "Mi": 1, "Gi": 1024}

    def mib(text: str) -> float:
        number = text.rstrip("MGi")
        return float(number) * to_mib[text[len(number) :]]

    assert mib(memory["guarantee"]) >= max(measured)
    assert mib(memory["limit"]) >= 2 * mib(memory["guarantee"])


def _strings(node, where=""):
    """Every string value in ``node`` with its dotted key path."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{where}.{i}")
    elif isinstance(node, str):
        yield where, node


def test_no_one_gets_in_as_shipped(config):
    """A real authenticator whose client and allowed users are placeholders: the shipped hub admits no one."""
    for where, value in _flat(config):
        assert "dummy" not in where.lower() and "dummy" not in str(value).lower(), where
    hub = config["hub"]["config"]
    # null would fall back to the chart's dummy authenticator
    assert hub["JupyterHub"]["authenticator_class"] == "github"
    oauth = hub["GitHubOAuthenticator"]
    for key in ("client_id", "client_secret", "oauth_callback_url"):
        assert oauth[key].startswith("<FILL-IN: "), key
    assert oauth["allowed_users"] and all(u.startswith("<FILL-IN: ") for u in oauth["allowed_users"])
    assert not any(key.endswith("allow_all") and value is True for key, value in _flat(config))


def _flat(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _flat(value, f"{where}.{key}" if where else str(key))
    else:
        yield where, node


def test_https_is_on(config):
    https = config["proxy"]["https"]
    assert https["enabled"] is True and https["type"] == "letsencrypt"
    assert https["hosts"] == ["<FILL-IN: hub.example.edu>"]
    assert https["letsencrypt"]["contactEmail"].startswith("<FILL-IN: ")


def test_every_placeholder_is_a_fill_in(config):
    """What a deployer must set reads "<FILL-IN: ...>" (make publish-check finds those), nothing else."""
    for where, value in _strings(config):
        assert "YOUR-" not in value and "CHANGE" not in value, (where, value)
        for piece in re.findall(r"<[^>]*>?", value):
            assert re.fullmatch(r"<FILL-IN: [^<>]+>", piece), (where, value)
    fill_ins = [where for where, value in _strings(config) if "<FILL-IN: " in value]
    assert len(fill_ins) >= 7, fill_ins


@pytest.mark.parametrize("repo, pulls", [(REPO_URL, False), ("https://github.com/me/middle-powers-at-davos", True)])
def test_post_start_pulls_nothing_from_the_placeholder(config, tmp_path, repo, pulls):
    """The postStart hook, run with a stand-in gitpuller: it refuses the OWNER placeholder, pulls a fork."""
    assert link_is_placeholder(REPO_URL)
    fake = tmp_path / "gitpuller"
    fake.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/pulled\n')
    fake.chmod(0o755)
    command = config["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    command = [*command[:3], repo, *command[4:]]
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if pulls:
        assert done.returncode == 0, done.stderr
        assert (tmp_path / "pulled").read_text().split() == [repo, "main", target_dir(REPO_URL)]
    else:
        assert done.returncode != 0 and "placeholder" in done.stderr
        assert not (tmp_path / "pulled").exists()
