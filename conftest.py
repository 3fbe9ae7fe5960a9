"""Settings for every test run, notebooks included (nbval's kernels inherit this environment)."""

import atexit
import os
import shutil
import tempfile

# Checks record passed exercises; under test they go to a throwaway file, not the user's own,
# one per test process: parallel workers (pytest-xdist) inherit the environment, and a lesson
# showing progress must not see the passes a solution notebook on another worker recorded.
if "NETCOURSE_PROGRESS" not in os.environ or os.environ.get("NETCOURSE_PROGRESS_THROWAWAY"):
    _throwaway = tempfile.mkdtemp(prefix="netcourse-")
    atexit.register(shutil.rmtree, _throwaway, ignore_errors=True)
    os.environ["NETCOURSE_PROGRESS"] = os.path.join(_throwaway, "progress.json")
    os.environ["NETCOURSE_PROGRESS_THROWAWAY"] = "1"
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's notice on stderr
