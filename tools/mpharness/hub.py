"""Run the collection on a real, local JupyterHub and measure what a student costs.

This module holds the machinery the hub test (``tests/hub/``) and the
benchmark share:

* :func:`make_source_repo` builds a git repository from the *current working
  tree* (tracked files plus untracked files git does not ignore), so the test
  pulls what is on disk, not only what was committed;
* :class:`LocalHub` starts JupyterHub (from the project's ``.venv``) with
  configurable-http-proxy (from ``node_modules``, installed by ``npm ci``) on
  loopback ports in a temporary folder, logs students in through the real
  login form, follows the nbgitpuller link, pulls, runs notebooks through a
  student server's kernel API, and stops every process it started;
* the memory of one student's server plus all its children (the kernel),
  RSS and PSS together, is sampled by :class:`mpharness.common.ProcessSampler`.

Command line::

    python -m mpharness.hub   # prints figures, merges them into bench-results.json["hub"]

It runs every notebook in ``notebooks/`` for one student (each in a fresh
kernel, as a student opening it would) and reports spawn-to-ready time, the
idle server's memory and, per lesson, the peak memory (RSS and PSS) of server + kernel.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from middlepowers.progress import FILE_NAME
from mpharness.common import ProcessSampler, free_port, merge_results

__all__ = [
    "HubError",
    "LocalHub",
    "CellResult",
    "copy_working_tree",
    "make_source_repo",
    "git_commit_all",
    "parse_sse",
    "main",
]

#: Folder name the collection is cloned into (nbgitpuller uses the last part
#: of the repository URL, so the source repository is given this name too).
COLLECTION_DIR = "middle-powers-at-davos"
#: A student's progress file (see .gitignore; the quiz writes it): defined once, in progress.py.
PROGRESS_FILE = FILE_NAME

MiB = 1024 * 1024


class HubError(RuntimeError):
    """Something in the hub round trip failed; the message says what."""


# --- small helpers ----------------------------------------------------------------


def parse_sse(lines) -> list[dict]:
    """Decode a server-sent event stream (nbgitpuller's pull API) into dicts.

    Each event is a ``data: <json>`` line; other lines are ignored.

    >>> parse_sse(['data: {"phase": "syncing", "output": "x"}', '', 'data: {"phase": "finished"}'])
    [{'phase': 'syncing', 'output': 'x'}, {'phase': 'finished'}]
    """
    events = []
    for line in lines:
        if isinstance(line, bytes):
            line = line.decode("utf-8", "replace")
        if line.startswith("data:"):
            payload = line[len("data:") :].strip()
            try:
                events.append(json.loads(payload))
            except json.JSONDecodeError:
                events.append({"phase": "raw", "output": payload})
    return events


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "LANG": "C"}
    done = subprocess.run(
        [
            "git",
            "-c",
            "user.name=Instructor",
            "-c",
            "user.email=instructor@example.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise HubError(f"git {' '.join(args)} failed in {repo}: {done.stderr.strip()}")
    return done.stdout


def copy_working_tree(tree: Path, dest: Path) -> Path:
    """Copy what ``git add -A`` would commit in ``tree`` into ``dest`` (created).

    Takes tracked files and untracked files git does not ignore, skipping
    tracked files deleted on disk, and keeps file modes (postBuild stays
    executable). ``tree``'s repository is only read, never changed.
    """
    tree = Path(tree).resolve()
    listing = (
        subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=tree,
            capture_output=True,
            check=True,
        )
        .stdout.decode("utf-8")
        .split("\0")
    )
    dest = Path(dest)
    dest.mkdir(parents=True)
    copied = 0
    for rel in sorted(set(filter(None, listing))):
        src = tree / rel
        if not src.is_file() or src.is_symlink():
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
        copied += 1
    if not copied:
        raise HubError(f"no files to copy from {tree}")
    return dest


def make_source_repo(tree: Path, dest: Path, name: str = COLLECTION_DIR) -> Path:
    """Copy the working tree of ``tree`` into ``dest/name`` and commit it on ``main``.

    The result stands in for the instructor's repository (``file://`` URL).
    """
    repo = copy_working_tree(tree, Path(dest) / name)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Collection as in the working tree")
    return repo


def git_commit_all(repo: Path, message: str) -> str:
    """Commit every change in ``repo`` and return the new commit id."""
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD").strip()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """In the hub's process: get SIGTERM if the Python that started it dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


# --- memory --------------------------------------------------------------------------


# --- the hub ------------------------------------------------------------------------------


@dataclass
class CellResult:
    """What one code cell did when run through a student's kernel."""

    index: int
    status: str
    error: str = ""
    allowed_error: bool = False


@dataclass
class Student:
    """A logged-in student: a browser-like session with the hub's cookies."""

    name: str
    session: object  # requests.Session
    spawn_seconds: float = 0.0
    server_pid: int = 0


@dataclass
class LocalHub:
    """A JupyterHub on 127.0.0.1 in ``workdir``; use as a context manager.

    ``root`` is the project checkout (for ``.venv`` and ``node_modules``).
    Every process the hub starts is remembered; :meth:`stop` ends the hub
    gracefully, then kills whatever is left, and :meth:`leftovers` lists any
    process still alive that belongs to this hub.
    """

    workdir: Path
    root: Path
    collection_dir: str = COLLECTION_DIR
    proc: subprocess.Popen | None = None
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    port: int = field(default_factory=free_port)
    hub_port: int = field(default_factory=free_port)
    proxy_api_port: int = field(default_factory=free_port)
    started: list = field(default_factory=list)
    startup_seconds: float = 0.0

    # paths -----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def chp(self) -> Path:
        return self.root / "node_modules" / ".bin" / "configurable-http-proxy"

    @property
    def venv_bin(self) -> Path:
        return self.root / ".venv" / "bin"

    @property
    def config(self) -> Path:
        return Path(__file__).with_name("jupyterhub_config.py")

    def home(self, name: str) -> Path:
        return self.workdir / "home" / name

    def collection(self, name: str) -> Path:
        """The folder nbgitpuller pulls the collection into for student ``name``."""
        return self.home(name) / self.collection_dir

    # lifecycle -------------------------------------------------------------------------
    def start(self, timeout: float = 60) -> LocalHub:
        """Start the hub and wait until its API answers."""
        if not self.chp.exists():
            raise HubError(
                f"{self.chp} is missing: run `npm ci` in {self.root} (package.json pins configurable-http-proxy)"
            )
        for exe in ("jupyterhub", "jupyterhub-singleuser"):
            if not (self.venv_bin / exe).exists():
                raise HubError(f"{self.venv_bin / exe} is missing: install requirements.txt into .venv")
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = {
            "PATH": f"{self.venv_bin}:/usr/local/bin:/usr/bin:/bin",
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "HOME": str(self.workdir),
            "MP_HUB_DIR": str(self.workdir),
            "MP_HUB_PORT": str(self.port),
            "MP_HUB_API_PORT": str(self.hub_port),
            "MP_PROXY_API_PORT": str(self.proxy_api_port),
            "MP_SERVICE_TOKEN": self.token,
            "MP_SINGLEUSER": str(self.venv_bin / "jupyterhub-singleuser"),
            "MP_CHP": str(self.chp),
            "MP_COLLECTION_DIR": self.collection_dir,
        }
        log = open(self.workdir / "jupyterhub.log", "wb")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [str(self.venv_bin / "jupyterhub"), "-f", str(self.config)],
            cwd=self.workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        log.close()
        self.started.append(self._process(self.proc.pid))
        deadline = t0 + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HubError(f"JupyterHub exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if self.api("GET", "/hub/api/", timeout=2).status_code == 200:
                    self.startup_seconds = time.monotonic() - t0
                    self.remember()
                    return self
            except Exception:  # noqa: BLE001 - not up yet
                pass
            time.sleep(0.2)
        raise HubError(f"JupyterHub did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        path = self.workdir / "jupyterhub.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    @staticmethod
    def _process(pid: int):
        import psutil

        try:
            return psutil.Process(pid)
        except psutil.Error:
            return None

    def remember(self) -> None:
        """Record the hub's current descendants (so :meth:`stop` can find them)."""
        import psutil

        if self.proc is None:
            return
        try:
            kids = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.Error:
            return
        known = {p.pid for p in self.started if p is not None}
        for kid in kids:
            if kid.pid not in known:
                self.started.append(kid)
                known.add(kid.pid)
        # kernels run in their own sessions under their server: remember them too
        for proc in list(self.started):
            if proc is None:
                continue
            try:
                for kid in proc.children(recursive=True):
                    if kid.pid not in known:
                        self.started.append(kid)
                        known.add(kid.pid)
            except psutil.Error:
                pass

    def stop(self, grace: float = 20) -> None:
        """Stop the hub (it stops the servers and the proxy), then kill leftovers."""
        import psutil

        self.remember()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        alive = [p for p in self.started if p is not None and _alive(p)]
        for proc in alive:
            try:
                proc.terminate()
            except psutil.Error:
                pass
        _, alive = psutil.wait_procs(alive, timeout=5)
        for proc in alive:
            try:
                proc.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(alive, timeout=5)

    def leftovers(self) -> list[str]:
        """Processes still alive that this hub started or that belong to it."""
        import psutil

        found = {}
        for proc in self.started:
            if proc is not None and _alive(proc):
                found[proc.pid] = proc
        marks = (
            str(self.workdir),
            f"127.0.0.1:{self.proxy_api_port}",
            f":{self.hub_port}/",
            f"--port {self.port}",
            f"--api-port {self.proxy_api_port}",
        )
        for proc in psutil.process_iter(["pid", "cmdline", "cwd"]):
            try:
                text = " ".join(proc.info["cmdline"] or []) + " " + (proc.info["cwd"] or "")
                if proc.pid != os.getpid() and any(m in text for m in marks):
                    found[proc.pid] = proc
                    continue
                env = proc.environ()
                if str(self.hub_port) in env.get("JUPYTERHUB_API_URL", "") or env.get("MP_HUB_DIR") == str(
                    self.workdir
                ):
                    found[proc.pid] = proc
            except psutil.Error:
                pass
        out = []
        for pid, proc in sorted(found.items()):
            try:
                out.append(f"{pid} {' '.join(proc.cmdline())[:120]}")
            except psutil.Error:
                pass
        return out

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # HTTP ------------------------------------------------------------------------------
    def api(self, method: str, path: str, **kwargs):
        """Call the hub (or a server behind the proxy) with the service token."""
        import requests

        headers = kwargs.pop("headers", {})
        headers["Authorization"] = f"token {self.token}"
        kwargs.setdefault("timeout", 60)
        return requests.request(method, self.url + path, headers=headers, **kwargs)

    def _check(self, response, what: str):
        if response.status_code >= 400:
            raise HubError(f"{what}: HTTP {response.status_code} {response.text[:500]}")
        return response

    # a student's round trip -----------------------------------------------------------------
    def login_via_link(self, name: str, link: str, timeout: float = 90) -> Student:
        """Do what a student's browser does with an nbgitpuller link.

        Opens the link (the hub asks to log in), submits the login form (the
        hub spawns the server and shows the pending page), waits until the
        server is ready, then opens the link again and checks it lands on the
        student's nbgitpuller page with the same repository and urlpath.
        Records ``spawn_seconds`` (login submitted to server ready).
        """
        import requests

        session = requests.Session()
        page = session.get(link, timeout=30)
        self._check(page, f"{name}: open link")
        if "/hub/login" not in page.url:
            raise HubError(f"{name}: the link did not ask to log in, it went to {page.url}")
        xsrf = session.cookies.get("_xsrf", path="/hub/")
        t0 = time.monotonic()
        form = session.post(page.url, data={"username": name, "password": "any", "_xsrf": xsrf}, timeout=60)
        self._check(form, f"{name}: log in")
        self.wait_ready(name, timeout)
        student = Student(name, session, time.monotonic() - t0)
        student.server_pid = self.server_pid(name)
        self.remember()
        landed = session.get(link, timeout=60)
        self._check(landed, f"{name}: open link after login")
        got, want = urlsplit(landed.url), parse_qs(urlsplit(link).query)
        if got.path != f"/user/{name}/git-pull":
            raise HubError(f"{name}: the link landed on {landed.url}, not on /user/{name}/git-pull")
        have = parse_qs(got.query)
        for key in ("repo", "branch", "urlpath"):
            if have.get(key) != want.get(key):
                raise HubError(f"{name}: the link lost {key}: {have.get(key)} != {want.get(key)}")
        if "nbgitpuller" not in landed.text.lower():
            raise HubError(f"{name}: {landed.url} is not nbgitpuller's page")
        return student

    def wait_ready(self, name: str, timeout: float = 90) -> None:
        """Wait until the hub reports the student's default server ready."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self.api("GET", f"/hub/api/users/{name}", timeout=10)
            if info.status_code == 200:
                server = (info.json().get("servers") or {}).get("")
                if server and server.get("ready"):
                    return
            time.sleep(0.1)
        raise HubError(f"{name}'s server was not ready within {timeout} s:\n{self.log_tail()}")

    def server_pid(self, name: str) -> int:
        """Process id of student ``name``'s jupyterhub-singleuser."""
        import psutil

        for kid in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                if (
                    any("jupyterhub-singleuser" in part for part in kid.cmdline())
                    and kid.environ().get("JUPYTERHUB_USER") == name
                ):
                    return kid.pid
            except psutil.Error:
                pass
        raise HubError(f"no jupyterhub-singleuser process for {name}")

    def pull(self, student: Student, repo: str, branch: str = "main") -> list[dict]:
        """Run nbgitpuller's pull (the SSE API the link's page calls) as the student."""
        response = student.session.get(
            f"{self.url}/user/{student.name}/git-pull/api",
            params={"repo": repo, "branch": branch, "targetpath": self.collection_dir},
            stream=True,
            timeout=120,
        )
        self._check(response, f"{student.name}: git-pull")
        events = parse_sse(response.iter_lines())
        if not events or events[-1].get("phase") != "finished":
            raise HubError(f"{student.name}: pull did not finish: {events[-3:]}")
        return events

    # a student's server: contents and kernels -------------------------------------------------
    def contents(self, name: str, path: str) -> dict:
        """GET a file's model from the student's server (contents API)."""
        r = self.api("GET", f"/user/{name}/api/contents/{path}", params={"content": "1"})
        return self._check(r, f"{name}: read {path}").json()

    def save(self, name: str, path: str, model: dict) -> dict:
        """PUT a file's model to the student's server, as JupyterLab's save does."""
        body = {"type": model["type"], "format": model["format"], "content": model["content"]}
        r = self.api("PUT", f"/user/{name}/api/contents/{path}", json=body)
        return self._check(r, f"{name}: save {path}").json()

    def open_kernel(self, name: str, notebook: str) -> KernelClient:
        """Start a kernel for ``notebook`` (a session, as JupyterLab does; cwd = its folder)."""
        body = {"path": notebook, "type": "notebook", "name": Path(notebook).name, "kernel": {"name": "python3"}}
        r = self._check(
            self.api("POST", f"/user/{name}/api/sessions", json=body), f"{name}: start a session for {notebook}"
        )
        session = r.json()
        self.remember()
        return KernelClient(self, name, session["id"], session["kernel"]["id"])

    def run_notebook(
        self, name: str, notebook: str, code_prefix: str | None = None, code_suffix: str | None = None
    ) -> list[CellResult]:
        """Execute every code cell of ``notebook`` (relative to the server root) in a new kernel.

        ``code_prefix`` / ``code_suffix`` run before / after the cells in the
        same kernel (their results have ``index`` -1 and -2). Stops at the
        first error not allowed by a ``raises-exception`` tag.
        """
        model = self.contents(name, notebook)
        client = self.open_kernel(name, notebook)
        try:
            results = []
            if code_prefix:
                results.append(client.execute(code_prefix, index=-1))
            for index, cell in enumerate(model["content"]["cells"]):
                if cell["cell_type"] != "code" or not "".join(cell["source"]).strip():
                    continue
                tags = cell.get("metadata", {}).get("tags", [])
                result = client.execute("".join(cell["source"]), index=index)
                result.allowed_error = "raises-exception" in tags
                results.append(result)
                if result.status != "ok" and not result.allowed_error:
                    return results
            if code_suffix:
                results.append(client.execute(code_suffix, index=-2))
            return results
        finally:
            client.close()


def _alive(proc) -> bool:
    import psutil

    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def execute_content(code: str) -> dict:
    """The content of an ``execute_request`` for ``code``, as JupyterLab sends a cell."""
    return {
        "code": code,
        "silent": False,
        "store_history": True,
        "user_expressions": {},
        "allow_stdin": False,
        "stop_on_error": True,
    }


class KernelClient:
    """Talk to one kernel through the server's websocket (Jupyter JSON protocol)."""

    def __init__(self, hub: LocalHub, name: str, session_id: str, kernel_id: str, prefix: str | None = None):
        """``prefix``: the server's base URL path, ``/user/<name>/`` on the hub; ``/`` for a plain
        ``jupyter lab`` (then ``hub`` needs only ``port``, ``token`` and ``api(method, path)``)."""
        import websocket

        self.hub, self.name = hub, name
        self.prefix = f"/user/{name}/" if prefix is None else prefix
        self.session_id, self.kernel_id = session_id, kernel_id
        self.client_session = uuid.uuid4().hex
        url = f"ws://127.0.0.1:{hub.port}{self.prefix}api/kernels/{kernel_id}/channels?session_id={self.client_session}"
        self.ws = websocket.create_connection(
            url,
            header=[f"Authorization: token {hub.token}"],
            timeout=120,
        )
        reply = self.request("kernel_info_request", {})
        if reply["content"].get("status") != "ok":
            raise HubError(f"{name}: kernel_info failed: {reply['content']}")

    def _send(self, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": msg_type,
                        "username": self.name,
                        "session": self.client_session,
                        "version": "5.3",
                        "date": "2026-01-01T00:00:00Z",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": content,
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        return msg_id

    def request(self, msg_type: str, content: dict) -> dict:
        msg_id = self._send(msg_type, content)
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("channel") == "shell" and msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def execute(self, code: str, index: int = 0) -> CellResult:
        """Run ``code``; return when the kernel is idle again after it."""
        msg_id = self._send(
            "execute_request",
            execute_content(code),
        )
        status, error, idle = None, "", False
        while status is None or not idle:
            msg = json.loads(self.ws.recv())
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if msg.get("channel") == "shell" and kind == "execute_reply":
                status = msg["content"]["status"]
            elif kind == "error":
                error = f"{msg['content']['ename']}: {msg['content']['evalue']}"
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        return CellResult(index, status, error)

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.hub.api("DELETE", f"{self.prefix}api/sessions/{self.session_id}")


# --- the benchmark ---------------------------------------------------------------------------


def measure(root: Path, notebooks: list[str] | None = None, student: str = "ada") -> dict:
    """Start a hub, pull the working tree for one student, run each notebook; return figures."""
    from middlepowers import paths
    from mpcourse.link import nbgitpuller_link

    root = Path(root).resolve()
    notebooks = notebooks or [p.relative_to(root).as_posix() for p in paths.notebooks("notebooks", root=root)]
    if not notebooks:
        raise HubError(f"no notebooks in {root / 'notebooks'}")
    with tempfile.TemporaryDirectory(prefix="mp-bench-hub-") as tmp:
        tmp = Path(tmp)
        source = make_source_repo(root, tmp / "source")
        hub = LocalHub(tmp / "hub", root)
        try:
            hub.start()
            repo_url = source.as_uri()
            link = nbgitpuller_link(hub.url, repo_url, allow_local=True)
            person = hub.login_via_link(student, link)
            pull_t0 = time.monotonic()
            hub.pull(person, repo_url)
            pull_seconds = time.monotonic() - pull_t0
            idle = ProcessSampler(person.server_pid)
            idle_memory = idle.sample()
            lessons = {}
            for nb in notebooks:
                t0 = time.monotonic()
                with ProcessSampler(person.server_pid) as sampler:
                    results = hub.run_notebook(student, f"{hub.collection_dir}/{nb}")
                bad = [r for r in results if r.status != "ok" and not r.allowed_error]
                lessons[nb] = {
                    "peak_rss_mib": round(sampler.peak.rss / MiB, 1),
                    "peak_kernel_rss_mib": round(sampler.peak.rss_children / MiB, 1),
                    "peak_pss_mib": round(sampler.peak.pss / MiB, 1),
                    "peak_kernel_pss_mib": round(sampler.peak.pss_children / MiB, 1),
                    "run_seconds": round(time.monotonic() - t0, 2),
                    "ok": not bad,
                    **({"error": bad[0].error} if bad else {}),
                }
        finally:
            hub.stop()
            left = hub.leftovers()
    heaviest = max(lessons, key=lambda nb: lessons[nb]["peak_rss_mib"])
    return {
        "hub_startup_seconds": round(hub.startup_seconds, 2),
        "spawn_to_ready_seconds": round(person.spawn_seconds, 2),
        "first_pull_seconds": round(pull_seconds, 2),
        "idle_server_rss_mib": round(idle_memory.rss / MiB, 1),
        "idle_server_pss_mib": round(idle_memory.pss / MiB, 1),
        "heaviest_lesson": heaviest,
        "peak_rss_mib": lessons[heaviest]["peak_rss_mib"],
        "peak_pss_mib": lessons[heaviest]["peak_pss_mib"],
        "lessons": lessons,
        "leftover_processes": left,
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "note": "RSS and PSS of the student's jupyterhub-singleuser plus its kernel, sampled every 50 ms; "
        "RSS counts shared libraries in each process (an upper bound per student), PSS shares them out",
    }


def main(argv: list[str] | None = None) -> int:
    """Measure and print; merge into bench-results.json under "hub"."""
    from middlepowers.paths import repo_root

    parser = argparse.ArgumentParser(prog="python -m mpharness.hub", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: all in notebooks/)")
    parser.add_argument("--output", default=None, help="results file (default: bench-results.json in the checkout)")
    args = parser.parse_args(argv)
    root = repo_root()
    try:
        figures = measure(root, args.notebooks or None)
    except HubError as err:
        print(f"bench_hub: {err}", file=sys.stderr)
        return 1
    for nb, row in figures["lessons"].items():
        flag = "" if row["ok"] else f"  FAILED: {row.get('error', '')}"
        print(
            f"{nb:45s} peak server+kernel RSS {row['peak_rss_mib']:7.1f} MiB, PSS {row['peak_pss_mib']:7.1f} MiB  "
            f"(kernel RSS {row['peak_kernel_rss_mib']:6.1f})  {row['run_seconds']:5.1f} s{flag}"
        )
    print(
        f"hub startup {figures['hub_startup_seconds']} s; spawn-to-ready "
        f"{figures['spawn_to_ready_seconds']} s; first pull {figures['first_pull_seconds']} s; "
        f"idle server {figures['idle_server_rss_mib']} MiB"
    )
    print(
        f"heaviest lesson: {figures['heaviest_lesson']} at {figures['peak_rss_mib']} MiB per student "
        f"({figures['cpus']} CPUs, load average {figures['load_average_1min']})"
    )
    if figures["leftover_processes"]:
        print("LEFTOVER PROCESSES:", *figures["leftover_processes"], sep="\n  ")
    output = Path(args.output) if args.output else root / "bench-results.json"
    try:
        merge_results(output, "hub", figures)
    except ValueError as err:
        print(f"bench_hub: {err}", file=sys.stderr)
        return 1
    print(f'written to {output} under "hub"')
    ok = all(row["ok"] for row in figures["lessons"].values()) and not figures["leftover_processes"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
