"""A whole class at 9 a.m.: N students on one real, local JupyterHub.

``python -m mpharness.classload --students 10`` (``make bench-class
STUDENTS=10``) starts the hub of the hub test (``LocalHub``: JupyterHub +
configurable-http-proxy on 127.0.0.1, SimpleLocalProcessSpawner, homes in a
temporary folder), then lets N students arrive, evenly spread over
``--arrive-within`` seconds (default 60: a class coming in within a minute).
Each student, in their own thread:

1. opens the instructor's nbgitpuller link and logs in through the hub's login
   form (*login -> ready*: form submitted until the hub reports the server ready);
2. lands on nbgitpuller's page and pulls the collection (its SSE API);
3. opens the heaviest lesson in a kernel and runs every code cell as Run All
   does (all execute requests sent at once; *Run All -> last widget*: until the
   kernel has sent the last widget view of the lesson);
4. answers every check of the lesson through the quiz API in that kernel
   (``quiz.view(id)``, set an answer, ``check()``: what the Check button calls)
   and counts the attempts the kernel saved;
5. *attempts lost* = attempts saved in the kernel minus attempts found in the
   student's progress file on disk afterwards (must be 0).

Memory is PSS (proportional set size, ``/proc/<pid>/smaps_rollup``): shared
pages are divided among the processes sharing them, so students' PSS add up to
what the class really uses. A sampler thread reads every student's server and
its descendants (the kernel) every ``--sample`` seconds and keeps each
student's peak; it also keeps the peak of the whole machine's memory in use
(``MemTotal - MemAvailable``: other programs on the machine count too, so the
figure before the hub started is recorded beside it). CPU seconds per student
are user + system time of the server and its kernel, read before the kernel
is shut down.

Loops are bounded (every wait has a deadline); the hub and every process it
started are stopped at the end, pass or fail, and leftovers are reported.
Results are merged into ``bench-results.json`` under ``"class"`` (a list of
runs, one per ``(label, students)``; a rerun replaces its own entry).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from mpharness.common import merge_results, pss_bytes, tree, tree_memory
from mpharness.hub import PROGRESS_FILE, HubError, LocalHub, make_source_repo

MiB = 1024 * 1024
#: The lesson with the highest memory per student (the hub benchmark's figures).
HEAVIEST = "notebooks/02b-measuring-both-sides.ipynb"

# Run in the lesson's kernel after Run All: answer every check of the lesson
# through the widget's own check() (what the Check button calls). Prints the
# number of attempts the kernel saved, as JSON on its last line.
ANSWER_CHECKS = r"""
import json as _json
def _answer(_v):
    _q = _v.question
    if _q.type == "single":
        return _v.control.options[0][1]
    if _q.type == "multiple":
        return list(_v.controls)[:1]
    if _q.type == "classify":
        return {_k: _d.options[1][1] for _k, _d in _v.controls.items()}
    if _q.type == "numeric":
        return "1"
    return "A reflection written during the class load test."
_saved = 0
for _qid, _q in quiz.spec.questions.items():
    if _q.type == "code" or _q.part != quiz.part:
        continue
    _v = quiz.view(_qid)
    _v.value = _answer(_v)
    if _v.check().counts:
        _saved += 1
print(_json.dumps({"saved": _saved, "notebook": quiz.notebook}))
"""


# --- memory and CPU of a process tree -------------------------------------------------


def tree_cpu(pid: int) -> float:
    """User + system CPU seconds of ``pid`` plus its live descendants."""
    import psutil

    total = 0.0
    for proc in tree(pid):
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def machine_used() -> int:
    """Memory in use on the whole machine, ``MemTotal - MemAvailable``, bytes."""
    info = {}
    with open("/proc/meminfo") as fh:
        for line in fh:
            key, value = line.split(":", 1)
            info[key] = int(value.split()[0]) * 1024
    return info["MemTotal"] - info["MemAvailable"]


class ClassSampler:
    """Every ``interval`` s: each student's tree PSS (peak kept), the class total, the machine."""

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.servers: dict[str, int] = {}  # student -> server pid
        self.active: set = set()  # students whose lesson is running now
        self.peak: dict[str, int] = {}
        self.peak_active: dict[str, int] = {}
        self.peak_server: dict[str, int] = {}  # the server process alone, while active
        self.peak_total = 0
        self.peak_machine = 0
        self.hub_pids: list[int] = []  # the hub and the proxy
        self.peak_hub = 0
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def add(self, name: str, pid: int) -> None:
        with self.lock:
            self.servers[name] = pid

    def set_active(self, name: str, active: bool) -> None:
        with self.lock:
            (self.active.add if active else self.active.discard)(name)

    def sample(self) -> None:
        with self.lock:
            servers, active = dict(self.servers), set(self.active)
        total = 0
        for name, pid in servers.items():
            memory = tree_memory(pid)
            pss, server = memory.pss, memory.pss - memory.pss_children
            total += pss
            self.peak[name] = max(self.peak.get(name, 0), pss)
            if name in active:
                self.peak_active[name] = max(self.peak_active.get(name, 0), pss)
                self.peak_server[name] = max(self.peak_server.get(name, 0), server)
        self.peak_total = max(self.peak_total, total)
        self.peak_hub = max(self.peak_hub, sum(pss_bytes(pid) for pid in self.hub_pids))
        self.peak_machine = max(self.peak_machine, machine_used())

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> ClassSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(30)


# --- one student -----------------------------------------------------------------------


def run_sources(client, sources: list[str], timeout: float) -> dict:
    """Send every cell's code at once (Run All) and read until the last reply.

    Returns seconds to the last widget view and to the last reply, the number
    of widget views, and the first error (``raises-exception`` cells are not
    expected in lessons run here, so any error counts).
    """
    t0 = time.monotonic()
    replies = client.run(sources, timeout)
    widget_times = [r.last_widget_s for r in replies if r.last_widget_s is not None]
    return {
        "last_widget_s": max(widget_times, default=None),
        "done_s": time.monotonic() - t0,
        "widgets": sum(r.widgets for r in replies),
        "error": next((r.error for r in replies if r.error), ""),
    }


def execute_output(client, code: str, timeout: float = 300) -> tuple[str, str]:
    """Run ``code``; return (stdout text, error or "")."""
    (reply,) = client.run([code], timeout)
    return reply.stdout, reply.error


def attempts_on_disk(hub: LocalHub, name: str, notebook: str) -> int:
    """Attempts for ``notebook`` in the student's progress file (0 if missing)."""
    path = hub.collection(name) / PROGRESS_FILE
    if not path.exists():
        return 0
    data = json.loads(path.read_text(encoding="utf-8"))
    return sum(1 for a in data.get("attempts", []) if a.get("notebook") == notebook)


def one_student(
    hub: LocalHub, name: str, link: str, repo_url: str, lesson: str, sampler: ClassSampler, timeout: float
) -> dict:
    """A student's morning (see the module docstring); returns their figures."""
    row: dict = {"student": name, "ok": False}
    t_start = time.monotonic()
    person = hub.login_via_link(name, link, timeout=timeout)
    row["login_to_ready_s"] = round(person.spawn_seconds, 2)
    sampler.add(name, person.server_pid)
    hub.pull(person, repo_url)
    path = f"{hub.collection_dir}/{lesson}"
    cells = hub.contents(name, path)["content"]["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    sampler.set_active(name, True)
    client = hub.open_kernel(name, path)
    try:
        client.ws.settimeout(timeout)
        ran = run_sources(client, sources, timeout)
        row["run_all_to_last_widget_s"] = None if ran["last_widget_s"] is None else round(ran["last_widget_s"], 2)
        row["run_all_done_s"] = round(ran["done_s"], 2)
        row["widgets"] = ran["widgets"]
        if ran["error"]:
            raise HubError(f"{lesson}: {ran['error']}")
        out, error = execute_output(client, ANSWER_CHECKS, timeout)
        if error:
            raise HubError(f"answering the checks: {error}")
        answered = json.loads(out.strip().splitlines()[-1])
        row["attempts_saved"] = answered["saved"]
        row["cpu_s"] = round(tree_cpu(person.server_pid), 2)
    finally:
        client.close()
        sampler.set_active(name, False)
    row["attempts_on_disk"] = attempts_on_disk(hub, name, answered["notebook"])
    row["lost_attempts"] = max(0, row["attempts_saved"] - row["attempts_on_disk"])
    row["total_s"] = round(time.monotonic() - t_start, 2)
    row["ok"] = True
    return row


# --- the class ---------------------------------------------------------------------------


def stats(values: list[float]) -> dict:
    """Median, p95 (nearest rank) and maximum, rounded; ``{}`` for no values."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return {}
    rank = max(0, -(-95 * len(values) // 100) - 1)
    return {
        "median": round(statistics.median(values), 2),
        "p95": round(values[rank], 2),
        "max": round(values[-1], 2),
        "n": len(values),
    }


def measure_class(
    root: Path,
    students: int,
    arrive_within: float = 60.0,
    lesson: str = HEAVIEST,
    timeout: float = 600.0,
    sample: float = 0.5,
    label: str = "",
) -> dict:
    """Start a hub from ``root``, let ``students`` students arrive and work; return the run's figures."""
    import psutil

    from mpcourse.link import nbgitpuller_link

    root = Path(root).resolve()
    if not (root / lesson).exists():
        raise HubError(f"no lesson {lesson} in {root}")
    load_before = os.getloadavg()
    machine_before = machine_used()
    names = [f"student{i:02d}" for i in range(1, students + 1)]
    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="mp-bench-class-") as tmp:
        tmp = Path(tmp)
        source = make_source_repo(root, tmp / "source")
        hub = LocalHub(tmp / "hub", root)
        sampler = ClassSampler(sample)
        t_class = time.monotonic()
        try:
            hub.start()
            hub_pids = [p.pid for p in hub.started if p is not None]
            sampler.hub_pids = hub_pids
            repo_url = source.as_uri()
            link = nbgitpuller_link(hub.url, repo_url, "main", "notebooks/index.ipynb", allow_local=True)
            gap = arrive_within / students if students > 1 else 0.0

            def arrive(index: int, name: str) -> None:
                time.sleep(index * gap)
                try:
                    rows[name] = one_student(hub, name, link, repo_url, lesson, sampler, timeout)
                except Exception as err:  # noqa: BLE001 - a failure is a figure, not a crash
                    rows[name] = {
                        "student": name,
                        "ok": False,
                        "error": f"{type(err).__name__}: {err}"[:500],
                        "where": traceback.format_exc(limit=3)[-800:],
                    }

            with sampler:
                threads = [threading.Thread(target=arrive, args=(i, n), daemon=True) for i, n in enumerate(names)]
                for thread in threads:
                    thread.start()
                deadline = time.monotonic() + arrive_within + 2 * timeout + 60
                for thread in threads:
                    thread.join(max(0.0, deadline - time.monotonic()))
                for name in names:
                    rows.setdefault(name, {"student": name, "ok": False, "error": "did not finish in time"})
            class_seconds = time.monotonic() - t_class
            hub_cpu = 0.0  # the hub and the proxy (not the servers they started)
            for pid in hub_pids:
                try:
                    times = psutil.Process(pid).cpu_times()
                    hub_cpu += times.user + times.system
                except psutil.Error:
                    pass
        finally:
            hub.stop()
            left = hub.leftovers()
    done = [r for r in rows.values() if r.get("ok")]
    lost = sum(r.get("lost_attempts", 0) for r in done)
    per_student_pss = [sampler.peak_active.get(r["student"], 0) / MiB for r in done]
    return {
        "label": label,
        "students": students,
        "lesson": lesson,
        "arrive_within_s": arrive_within,
        "failures": len(rows) - len(done),
        "errors": sorted(
            {
                f"{r['error']} [{r.get('where', '').strip().splitlines()[-3:-1]}]"
                for r in rows.values()
                if r.get("error")
            }
        )[:5],
        "lost_attempts": lost,
        "attempts_saved": sum(r.get("attempts_saved", 0) for r in done),
        "login_to_ready_s": stats([r["login_to_ready_s"] for r in done]),
        "run_all_to_last_widget_s": stats([r.get("run_all_to_last_widget_s") for r in done]),
        "run_all_done_s": stats([r["run_all_done_s"] for r in done]),
        "student_total_s": stats([r["total_s"] for r in done]),
        "class_seconds": round(class_seconds, 1),
        "pss_mib_per_student": round(statistics.median(per_student_pss), 1) if per_student_pss else None,
        "pss_mib_per_student_stats": stats(per_student_pss),
        "server_pss_mib_per_student": round(
            statistics.median([sampler.peak_server.get(r["student"], 0) / MiB for r in done]), 1
        )
        if done
        else None,
        "class_peak_pss_mib": round(sampler.peak_total / MiB, 1),
        "hub_and_proxy_pss_mib": round(sampler.peak_hub / MiB, 1),
        "machine_used_mib_before": round(machine_before / MiB),
        "machine_used_mib_peak": round(sampler.peak_machine / MiB),
        "cpu_s_per_student": stats([r["cpu_s"] for r in done]),
        "hub_cpu_s": round(hub_cpu, 1),
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "leftover_processes": left,
        "memory_note": "PSS of each student's jupyterhub-singleuser plus its kernel, peak while the "
        "lesson ran (median over students); machine figures include other programs",
    }


def merge_class_run(path: Path, run: dict) -> None:
    """Add ``run`` to the ``"class"`` list in ``path``, replacing a run with the same label and size."""
    path = Path(path)
    runs = []
    if path.exists() and path.read_text().strip():
        runs = json.loads(path.read_text()).get("class", [])
        if not isinstance(runs, list):
            runs = []
    runs = [r for r in runs if (r.get("label", ""), r.get("students")) != (run["label"], run["students"])]
    runs.append(run)
    runs.sort(key=lambda r: (r.get("label", ""), r.get("students", 0)))
    merge_results(path, "class", runs)


def summary_line(run: dict) -> str:
    """One line of the class table."""

    def fmt(s: dict) -> str:
        return f"{s.get('median', '-')}/{s.get('p95', '-')}/{s.get('max', '-')}" if s else "-"

    return (
        f"{run['label'] or '-':8s} N={run['students']:3d}  failures {run['failures']}  "
        f"lost {run['lost_attempts']}  login->ready {fmt(run['login_to_ready_s'])} s  "
        f"RunAll->last widget {fmt(run['run_all_to_last_widget_s'])} s  "
        f"PSS/student {run['pss_mib_per_student']} MiB (server {run['server_pss_mib_per_student']})  class PSS {run['class_peak_pss_mib']} MiB  "
        f"machine {run['machine_used_mib_before']}->{run['machine_used_mib_peak']} MiB  "
        f"CPU/student {fmt(run['cpu_s_per_student'])} s  load {run['load_average_after'][0]}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mpharness.classload", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--students", type=int, nargs="+", default=[10], help="class sizes to run, one after the other (default 10)"
    )
    parser.add_argument(
        "--arrive-within", type=float, default=60.0, help="seconds over which the students arrive (default 60)"
    )
    parser.add_argument("--lesson", default=HEAVIEST, help=f"notebook every student runs (default {HEAVIEST})")
    parser.add_argument(
        "--root", default=None, help="checkout whose hub config and working tree are used (default: this one)"
    )
    parser.add_argument("--label", default="", help="name of this variant in the results (e.g. old, new)")
    parser.add_argument("--timeout", type=float, default=600.0, help="bound on every wait, in seconds")
    parser.add_argument("--output", default=None, help="results file (default: bench-results.json here)")
    args = parser.parse_args(argv)
    from middlepowers.paths import repo_root

    here = repo_root(Path(__file__).resolve().parent) if args.root is None else None
    root = Path(args.root).resolve() if args.root else here
    output = Path(args.output) if args.output else (here or repo_root()) / "bench-results.json"
    status = 0
    for n in args.students:
        if n < 1:
            print("classload: --students must be at least 1", file=sys.stderr)
            return 2
        try:
            run = measure_class(root, n, args.arrive_within, args.lesson, args.timeout, label=args.label)
        except HubError as err:
            print(f"classload: {err}", file=sys.stderr)
            return 1
        run["root"] = str(root)
        print(summary_line(run), flush=True)
        for error in run["errors"]:
            print(f"  error: {error}")
        if run["leftover_processes"]:
            print("  LEFTOVER PROCESSES:", *run["leftover_processes"], sep="\n    ")
        merge_class_run(output, run)
        if run["failures"] or run["lost_attempts"] or run["leftover_processes"]:
            status = 1
    print(f'written to {output} under "class"')
    return status


if __name__ == "__main__":
    sys.exit(main())
