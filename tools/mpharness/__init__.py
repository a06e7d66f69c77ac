"""The harness that tests and benchmarks drive, one job per module.

Machinery: a JupyterLab server with a Chromium driver (``lab``), a local
JupyterHub with a kernel client (``hub``), notebook runs (``execute``) and
what they share (``common``: ports, process sampling, results files).
Benchmarks, each ``python -m mpharness.<name>``: ``bench`` (notebook runs),
``bench_browser``, ``bench_hub``, ``bench_install``, ``bench_site``, ``bench_suite`` and
``classload``. Sits above ``mpcourse`` and ``middlepowers`` (it may import
them, never the reverse); never imported by a student's kernel.
"""
