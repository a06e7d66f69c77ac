"""Settings for every test, the notebooks' nbval runs included.

The progress file is pointed at an empty temporary folder before any kernel
starts, so the notebooks' stored outputs (the progress summary) never depend on
attempts a maintainer made while working through a lesson.
"""

import os
import tempfile

_PROGRESS_DIR = tempfile.mkdtemp(prefix="middlepowers-test-")
os.environ["MIDDLEPOWERS_PROGRESS"] = os.path.join(_PROGRESS_DIR, "progress.json")
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
