"""The harness that tests and benchmarks drive: a JupyterLab server with a
Chromium driver (``lab``), a local JupyterHub (``hub``), notebook runs
(``execute``) and benchmarks (``bench``). Never imported by a student's kernel.
"""
