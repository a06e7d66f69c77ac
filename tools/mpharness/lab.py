"""Drive real JupyterLab in headless Chromium: the server and the DOM driver.

``tests/browser`` (pytest + Playwright) imports the driver -- :class:`LabServer`,
:func:`launch_browser`, :func:`open_notebook`, :func:`run_all` ... -- to test every
lesson the way a student uses it: a real JupyterLab server, a real Chromium,
real clicks. The browser benchmark (``python -m mpharness.bench_browser``)
builds on the same driver.

The server runs what Binder's students get: JupyterLab and server extensions
of test-only packages (nbgrader) are switched off (:func:`extensions_students_lack`).

Everything waits on the server's kernel state and on the DOM, never on sleeps:
the toolbar's execution indicator reads ``idle`` before any kernel exists, so
:func:`open_notebook` first polls ``GET /api/sessions`` until the notebook's kernel
is connected and idle, then waits for the indicator.

Playwright is imported lazily, so importing this module never needs it.
Nothing here touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
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
from typing import Any

import requests

from middlepowers.paths import notebooks, repo_root
from mpharness.common import free_port

#: Folders whose notebooks are tested and benchmarked, in course order.
NOTEBOOK_DIRS = ("notebooks", "solutions", "exercises")

#: Chromium flags that work as root in a container, with no network traffic of its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

#: Where a system Chromium is looked for (first hit wins; MIDDLEPOWERS_CHROMIUM overrides).
CHROMIUM_CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
)

#: Folders never copied into the server's scratch copy of the repository.
_COPY_IGNORE = shutil.ignore_patterns(
    ".venv",
    ".venv-*",
    ".git",
    "test-artifacts",
    "node_modules",
    "__pycache__",
    ".ipynb_checkpoints",
    "*.egg-info",
    ".pytest_cache",
    ".hypothesis",
    "build",
    ".helpers",
    ".middlepowers-progress*",
    "bench-results.json",
)

#: JupyterLab user settings for a quiet, deterministic session: no news or update
#: pop-up (it would cover the notebook) and no autosave writing into the copy while
#: a test runs. Everything else (windowing mode included) stays at the defaults a
#: student gets.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {
        "autosave": False,
    },
}

# --------------------------------------------------------------------------- #
# Finding things
# --------------------------------------------------------------------------- #


def find_chromium() -> str | None:
    """Return the path of a usable Chromium, or ``None``.

    ``MIDDLEPOWERS_CHROMIUM`` wins; then Debian's ``/usr/bin/chromium`` and friends.
    ``None`` means: let Playwright use its own downloaded browser, if any
    (see :func:`launch_browser`).
    """
    override = os.environ.get("MIDDLEPOWERS_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def notebook_paths(root: str | os.PathLike | None = None) -> list[str]:
    """Every tested notebook, as a POSIX path relative to the repository root."""
    base = Path(root) if root else repo_root()
    return [nb.relative_to(base).as_posix() for nb in notebooks(*NOTEBOOK_DIRS, root=base)]


def copy_repository(source: Path, target: Path) -> Path:
    """Copy the collection (without venv, git, caches, progress files) to ``target``.

    The server runs on the copy so that nothing a test does -- an autosave, a
    table written by a notebook, a progress file -- can touch the tracked files.
    """
    shutil.copytree(source, target, ignore=_COPY_IGNORE, symlinks=True)
    return target


def student_packages(root: str | os.PathLike | None = None) -> set[str]:
    """PEP 503 names of the Python packages a student gets: environment.yml's pip pins."""
    import yaml

    env = yaml.safe_load((Path(root) if root else repo_root()).joinpath("environment.yml").read_text())
    pins = next((d["pip"] for d in env.get("dependencies", []) if isinstance(d, dict) and "pip" in d), [])
    return {_canonical(re.split(r"[=<>!~\[; ]", pin, maxsplit=1)[0]) for pin in pins}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


_LAB_EXTENSION = re.compile(r"share/jupyter/labextensions/((?:@[^/]+/)?[^/@]+)/package\.json$")
_SERVER_CONFIG = re.compile(r"etc/jupyter/jupyter_server_config\.d/[^/]+\.json$")


def extensions_students_lack(students: set[str]) -> tuple[list[str], list[str]]:
    """JupyterLab and server extensions installed here by packages students do not get.

    The test environment also holds nbgrader, jupyterhub, playwright ...; a
    package that brings a JupyterLab extension (nbgrader brings menus and four
    server extensions) would put into the tested page something Binder's
    students never see, and slow every page load. Found from each installed
    distribution's own file list, so a new test-only tool is covered too.
    Returns (lab extension names, server extension modules).
    """
    from importlib.metadata import distributions

    lab, server = set(), set()
    for dist in distributions():
        if _canonical(dist.metadata["Name"] or "") in students:
            continue
        for file in dist.files or []:
            posix = file.as_posix()
            if match := _LAB_EXTENSION.search(posix):
                lab.add(match.group(1))
            elif _SERVER_CONFIG.search(posix):
                config = json.loads(Path(dist.locate_file(file)).read_text())
                server.update(config.get("ServerApp", {}).get("jpserver_extensions", {}))
    return sorted(lab), sorted(server)


# --------------------------------------------------------------------------- #
# The server
# --------------------------------------------------------------------------- #


class LabError(RuntimeError):
    """JupyterLab did not start or did not answer as expected."""


@dataclass
class LabServer:
    """A real ``jupyter lab`` on a free loopback port, with isolated config dirs.

    Use as a context manager (or call :meth:`start` / :meth:`stop`). The server
    serves a scratch copy of the repository; its kernels inherit
    ``MIDDLEPOWERS_PROGRESS`` pointing at :attr:`progress_file` in the scratch dir.
    """

    source: Path = field(default_factory=repo_root)
    startup_timeout: float = 60.0
    #: Serve ``source`` itself instead of a scratch copy (a test's own clone, whose git status it reads).
    in_place: bool = False
    #: Install ``source``'s ``jupyter-config/`` (its lab extension and Lab defaults) as ``make lab``
    #: does (``install.py``), into a scratch prefix the server reads before the venv's own.
    project_config: bool = False
    #: ``None``: no autosave (the tests' default). A number: JupyterLab's autosave, every so many seconds.
    autosave_interval: float | None = None
    port: int = 0
    token: str = ""
    scratch: Path | None = None
    root: Path | None = None
    progress_file: Path | None = None
    log_path: Path | None = None
    process: subprocess.Popen | None = None
    _dirs: dict[str, Path] = field(default_factory=dict, repr=False)

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> LabServer:
        self.scratch = Path(tempfile.mkdtemp(prefix="mp-lab-"))
        self.root = Path(self.source) if self.in_place else copy_repository(Path(self.source), self.scratch / "repo")
        self.progress_file = self.scratch / "progress" / "progress.json"
        self.progress_file.parent.mkdir()
        dirs = {
            name: self.scratch / name for name in ("config", "data", "runtime", "settings", "workspaces", "ipython")
        }
        for d in dirs.values():
            d.mkdir()
        settings = json.loads(json.dumps(LAB_SETTINGS))
        if self.autosave_interval is not None:
            settings["@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"] = {
                "autosave": True,
                "autosaveInterval": self.autosave_interval,
            }
        for rel, value in settings.items():
            path = dirs["settings"] / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value, indent=2))
        # The page a student gets: extensions of test-only packages are switched off.
        lab_off, server_off = extensions_students_lack(student_packages(self.source))
        (dirs["config"] / "labconfig").mkdir()
        (dirs["config"] / "labconfig" / "page_config.json").write_text(
            json.dumps({"disabledExtensions": {name: True for name in lab_off}}, indent=2)
        )
        (dirs["config"] / "jupyter_server_config.json").write_text(
            json.dumps({"ServerApp": {"jpserver_extensions": {name: False for name in server_off}}}, indent=2)
        )
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self._dirs = dirs
        self._launch()
        return self

    def _launch(self) -> None:
        dirs = self._dirs
        venv_bin = Path(sys.executable).parent
        env = dict(os.environ)
        extra: list[str] = []
        if self.project_config:
            prefix = self.scratch / "prefix"
            if not prefix.exists():
                _install_project_config(self.root, prefix)
            # JUPYTER_PATH comes before the venv's share/jupyter: this lab extension wins over an installed one
            env["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
            extra.append(f"--LabApp.app_settings_dir={prefix / 'share' / 'jupyter' / 'lab' / 'settings'}")
        env.update(
            JUPYTER_CONFIG_DIR=str(dirs["config"]),
            JUPYTER_DATA_DIR=str(dirs["data"]),
            JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
            JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
            JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
            IPYTHONDIR=str(dirs["ipython"]),
            JUPYTER_PLATFORM_DIRS="1",
            MIDDLEPOWERS_PROGRESS=str(self.progress_file),
            PATH=f"{venv_bin}{os.pathsep}{env.get('PATH', '')}",
        )
        for noisy in ("MPLBACKEND", "JPY_SESSION_NAME", "PYTHONSTARTUP"):
            env.pop(noisy, None)
        jupyter = venv_bin / "jupyter"
        cmd = [
            str(jupyter) if jupyter.exists() else "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.port_retries=0",
            "--LabApp.news_url=",
            *extra,
        ]
        self.log_path = self.scratch / "jupyter-lab.log"
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            cmd,
            cwd=self.root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LabError(f"jupyter lab exited with {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url("api/status"), headers=self.headers, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)  # polling the server, not waiting for the UI
        raise LabError(f"jupyter lab not up after {self.startup_timeout} s:\n{self.log()}")

    def restart(self) -> None:
        """Stop the server and its kernels, and start it again on the same port, folders and settings.

        What a student's next day looks like: a new server and new kernels, the
        same files, JupyterLab settings and saved workspaces.
        """
        self._terminate()
        self._launch()

    def stop(self) -> None:
        """Shut down the server and its kernels, and remove the scratch folder."""
        if self.process is None:
            return
        self._terminate()
        if self.scratch and not os.environ.get("MIDDLEPOWERS_KEEP_LAB"):
            shutil.rmtree(self.scratch, ignore_errors=True)

    def _terminate(self) -> None:
        """Shut down the server and its kernels (politely, then by process group)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                requests.post(self.url("api/shutdown"), headers=self.headers, timeout=5)
            except requests.RequestException:
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        # Kernels run in the server's process group; end any straggler by that id.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                continue
            # the server is gone; the group may still hold kernels
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process = None

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- HTTP ----------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def url(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    def api(self, path: str, method: str = "GET", **kw: Any) -> Any:
        resp = requests.request(method, self.url(path), headers=self.headers, timeout=10, **kw)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def log(self) -> str:
        """The server's log so far (for failure messages)."""
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except (OSError, AttributeError):
            return ""

    def lab_url(self, notebook: str, workspace: str | None = None) -> str:
        """URL opening ``notebook`` in a fresh, unique workspace (nothing restored)."""
        workspace = workspace or f"t{uuid.uuid4().hex[:12]}"
        return self.url(f"lab/workspaces/{workspace}/tree/{notebook}?token={self.token}")

    def session_for(self, notebook: str) -> dict | None:
        for session in self.api("api/sessions"):
            if session.get("path") == notebook:
                return session
        return None

    def shutdown_sessions(self) -> None:
        """End every session and kernel (between tests: one kernel at a time)."""
        for session in self.api("api/sessions"):
            try:
                self.api(f"api/sessions/{session['id']}", method="DELETE")
            except requests.RequestException:
                pass
        for kernel in self.api("api/kernels"):
            try:
                self.api(f"api/kernels/{kernel['id']}", method="DELETE")
            except requests.RequestException:
                pass

    def reset_progress(self) -> None:
        """Forget every quiz attempt (each test starts from an empty progress file)."""
        for f in self.progress_file.parent.iterdir():
            if f.is_file():
                f.unlink()

    def wait_kernel_ready(self, notebook: str, timeout: float = 60.0) -> dict:
        """Poll until ``notebook``'s kernel has a browser connected and is idle."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            session = self.session_for(notebook)
            if session and session.get("kernel"):
                last = session["kernel"]
                if last.get("connections", 0) >= 1 and last.get("execution_state") == "idle":
                    return last
            time.sleep(0.1)  # polling the server's kernel state
        raise LabError(f"kernel for {notebook} not ready after {timeout} s (last: {last})\n{self.log()}")


def _install_project_config(root: Path, prefix: Path) -> None:
    """Run ``root``'s ``jupyter-config/install.py`` into ``prefix`` (what ``make lab`` does into the venv)."""
    done = subprocess.run(
        [sys.executable, str(Path(root) / "jupyter-config" / "install.py"), str(prefix)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise LabError(f"jupyter-config/install.py failed:\n{done.stdout}{done.stderr}")


# --------------------------------------------------------------------------- #
# The browser
# --------------------------------------------------------------------------- #


class BrowserUnavailable(RuntimeError):
    """No Chromium could be launched (the tests skip, or fail when CI=true)."""


def launch_browser(playwright: Any) -> Any:
    """Launch headless Chromium: the system one if present, else Playwright's own."""
    executable = find_chromium()
    try:
        return playwright.chromium.launch(
            headless=True,
            executable_path=executable,
            args=CHROMIUM_ARGS,
        )
    except Exception as exc:  # playwright raises its own Error subclasses
        where = executable or "Playwright's bundled chromium"
        raise BrowserUnavailable(
            f"cannot launch {where}: {str(exc).splitlines()[0]} -- run `bash tools/setup-browser.sh`"
        ) from exc


#: Messages JupyterLab itself logs in a healthy session; each is benign and documented.
BENIGN_CONSOLE = [
    # Browsers log this when a page asks for a favicon the server answers with a redirect chain.
    re.compile(r"favicon"),
]


@dataclass
class PageProblems:
    """Console errors, uncaught exceptions and failed requests seen by a page."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.console, *self.page_errors, *self.requests]


def watch_page(page: Any) -> PageProblems:
    """Collect a page's console errors, page errors and failed requests."""
    problems = PageProblems()

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            text = msg.text
            if not any(p.search(text) for p in BENIGN_CONSOLE):
                problems.console.append(f"console.error: {text} @ {msg.location.get('url', '')}")

    def on_request_failed(request: Any) -> None:
        failure = request.failure or ""
        # A request the page itself cancels (navigation, an aborted long poll on close)
        # is not a failure a student sees.
        if "ERR_ABORTED" in failure:
            return
        problems.requests.append(f"request failed: {request.method} {request.url} ({failure})")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            problems.requests.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.page_errors.append(f"page error: {exc}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    return problems


def watch_sent_frames(page: Any) -> list[str]:
    """Record every websocket frame the page sends (decoded as text, best effort).

    Typing into a text widget sends one ``update`` per keystroke, and ipywidgets
    holds back all but one while the kernel answers; a button's click message is
    not held back, so it can overtake the last keystrokes. A test that types
    waits (:func:`wait_frame_sent`) until the final value has left the browser.
    """
    frames: list[str] = []

    def text(payload: Any) -> str:
        return payload if isinstance(payload, str) else payload.decode("utf-8", "replace")

    def on_ws(ws: Any) -> None:
        # Sent frames as they are; received ones marked, so both can be waited on.
        ws.on("framesent", lambda payload: frames.append(text(payload)))
        ws.on("framereceived", lambda payload: frames.append("<<RECEIVED>>" + text(payload)))

    page.on("websocket", on_ws)
    return frames


def wait_frame_sent(page: Any, frames: list[str], needle: str, start: int = 0, timeout: float = 15.0) -> None:
    """Poll until a frame sent after index ``start`` contains ``needle``."""
    compact = re.compile(r"\s+")
    needle = compact.sub("", needle)  # JSON spacing varies; compare without whitespace
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(needle in compact.sub("", f) for f in frames[start:] if not f.startswith("<<RECEIVED>>")):
            return
        page.wait_for_timeout(25)  # lets Playwright deliver frame events; bounded by the deadline
    raise LabError(f"the browser never sent {needle!r} to the kernel within {timeout} s")


def wait_updates_sent(page: Any, frames: list[str], start: int, count: int, timeout: float = 15.0) -> None:
    """Poll until the kernel has echoed ``count`` widget updates received since index ``start``.

    ipywidgets keeps one state update per widget in flight and holds the rest
    back, while a button's click message is sent at once and can overtake them
    (jupyter-widgets/ipywidgets#252). The kernel answers each update it applied
    with an ``echo_update``; once ``count`` echoes are back, the kernel holds the
    new answer, and the Check click that follows is graded on it.
    """
    pattern = re.compile(r'"method"\s*:\s*"echo_update"')
    deadline = time.monotonic() + timeout
    echoed = 0
    while time.monotonic() < deadline:
        echoed = sum(1 for f in frames[start:] if f.startswith("<<RECEIVED>>") and pattern.search(f))
        if echoed >= count:
            return
        page.wait_for_timeout(25)  # lets Playwright deliver frame events; bounded by the deadline
    raise LabError(f"the kernel echoed only {echoed} of {count} widget updates within {timeout} s")


def wait_echoed(page: Any, frames: list[str], needle: str, start: int = 0, timeout: float = 15.0) -> None:
    """Poll until the kernel's ``echo_update`` of a widget state containing ``needle`` arrives.

    For typed text, intermediate values ("5", "55") are echoed too, so counting
    echoes (:func:`wait_updates_sent`) can be satisfied by a stale one; this
    waits for the echo of the final value, after which the kernel holds it.
    """
    compact = re.compile(r"\s+")
    needle = compact.sub("", needle)
    pattern = re.compile(r'"method"\s*:\s*"echo_update"')
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(
            f.startswith("<<RECEIVED>>") and pattern.search(f) and needle in compact.sub("", f) for f in frames[start:]
        ):
            return
        page.wait_for_timeout(25)  # lets Playwright deliver frame events; bounded by the deadline
    raise LabError(f"the kernel never echoed {needle!r} within {timeout} s")


# --------------------------------------------------------------------------- #
# Driving a notebook
# --------------------------------------------------------------------------- #

VISIBLE_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
NOTEBOOK_SEL = f"{VISIBLE_PANEL} .jp-Notebook"
IDLE_SEL = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
RUN_ALL_SEL = ".lm-Menu-item[data-command='runmenu:run-all']"
QUESTION_SEL = ".jp-OutputArea-output .mp-question"


def open_notebook(page: Any, server: LabServer, notebook: str, timeout: float = 60.0) -> None:
    """Open ``notebook`` in a fresh workspace and return once its kernel is idle.

    Waits on the server (kernel connected and idle) and then on the DOM (the
    toolbar's execution indicator reads idle), never on a sleep.
    """
    page.goto(server.lab_url(notebook), wait_until="domcontentloaded")
    page.wait_for_selector(NOTEBOOK_SEL, timeout=timeout * 1000)
    server.wait_kernel_ready(notebook, timeout=timeout)
    page.wait_for_selector(IDLE_SEL, timeout=timeout * 1000)


def run_all(page: Any) -> None:
    """Run All through the Run menu, as a student does."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(RUN_ALL_SEL).click()


def expected_executions(nb: dict) -> int:
    """Number of code cells that Run All executes (non-empty source)."""
    return sum(1 for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip())


def wait_run_complete(page: Any, nb: dict, timeout: float = 120.0, panel: str = VISIBLE_PANEL) -> None:
    """Wait until every non-empty code cell shows an execution count and the kernel is idle.

    After the click, the indicator can still read idle before the first request
    reaches the kernel, so completion is read from the prompts: ``[n]:`` in every
    non-empty code cell and no ``[*]:`` anywhere. ``panel`` is a CSS selector of
    the notebook's panel (default: the one showing); the indicator read is the
    one in that panel's toolbar.
    """
    want = expected_executions(nb)
    page.wait_for_function(
        """([want, panel]) => {
            const root = document.querySelector(panel);
            if (!root) return false;
            const prompts = [...root.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            const done = prompts.filter(p => /\\[\\d+\\]/.test(p.textContent)).length;
            const busy = prompts.some(p => p.textContent.includes('*'));
            const idle = root.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']") !== null;
            return done >= want && !busy && idle;
        }""",
        arg=[want, panel],
        timeout=timeout * 1000,
    )


def wait_widgets(page: Any, nb: dict, timeout: float = 60.0, panel: str = VISIBLE_PANEL) -> None:
    """Wait until ``panel`` shows every quiz widget of ``nb`` (one per ``.ask(`` call)."""
    page.wait_for_function(
        "([panel, sel, n]) => document.querySelectorAll(`${panel} ${sel}`).length >= n",
        arg=[panel, QUESTION_SEL, count_quiz_asks(nb)],
        timeout=timeout * 1000,
    )


def count_quiz_asks(nb: dict) -> int:
    """How many quiz widgets Run All should render: ``.ask(`` calls in code cells."""
    pattern = re.compile(r"\.ask\(")
    return sum(len(pattern.findall("".join(c["source"]))) for c in nb["cells"] if c["cell_type"] == "code")


def cell_errors(page: Any) -> list[dict]:
    """Error outputs shown in the notebook: ``[{index, text}]`` by cell position.

    JupyterLab renders a traceback as stderr; it is told apart from a warning by
    its ``Traceback`` header or an ``...Error:`` line.
    """
    return page.evaluate(
        """() => {
            const cells = [...document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook > .jp-Cell, '
                + '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-viewport > .jp-Cell')];
            const out = [];
            cells.forEach((cell, index) => {
                cell.querySelectorAll(
                    ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                ).forEach(o => {
                    const t = o.textContent;  // innerText is empty for off-screen cells
                    if (/Traceback|^\\s*\\w*(Error|Exception)\\b/m.test(t)) {
                        out.push({index, text: t.slice(0, 2000)});
                    }
                });
            });
            return out;
        }"""
    )


def screenshot_notebook(page: Any, path: Path) -> Path:
    """Save the whole notebook (every cell, not only the viewport) as one PNG.

    The notebook scrolls inside its panel, so the viewport is grown to the
    notebook's height (capped; Chromium limits one capture to 16384 px), and a
    longer notebook is captured in slices and stitched with Pillow.
    """
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    scroller = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer").first
    width = page.viewport_size["width"]
    old_height = page.viewport_size["height"]
    chrome = page.evaluate(
        """() => { const s = document.querySelector(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
                return window.innerHeight - s.clientHeight; }"""
    )
    total = scroller.evaluate("s => s.scrollHeight")
    slice_h = min(total, 12000)
    page.set_viewport_size({"width": width, "height": int(slice_h + chrome)})
    try:
        pieces = []
        offset = 0
        while offset < total:
            scroller.evaluate("(s, y) => { s.scrollTop = y; }", offset)
            actual = scroller.evaluate("s => s.scrollTop")
            tmp = path.with_suffix(f".part{len(pieces)}.png")
            scroller.screenshot(path=str(tmp), animations="disabled", caret="hide")
            pieces.append((tmp, offset, actual))
            offset += slice_h
        if len(pieces) == 1:
            pieces[0][0].replace(path)
        else:
            first = Image.open(pieces[0][0])
            canvas = Image.new("RGB", (first.width, total), "white")
            for tmp, wanted, actual in pieces:
                img = Image.open(tmp)
                skip = wanted - actual  # the last slice may scroll less than asked
                canvas.paste(img.crop((0, -skip if skip < 0 else skip, img.width, img.height)), (0, wanted))
                img.close()
                tmp.unlink()
            canvas.save(path)
    finally:
        scroller.evaluate("s => { s.scrollTop = 0; }")
        page.set_viewport_size({"width": width, "height": old_height})
    return path


def load_notebook(root: Path, notebook: str) -> dict:
    return json.loads((Path(root) / notebook).read_text(encoding="utf-8"))
