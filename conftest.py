"""Settings for every test run, notebooks included (nbval's kernels inherit this environment)."""

import os
import tempfile

# Checks record passed exercises; under test they go to a throwaway file, not the user's own.
os.environ.setdefault(
    "NETCOURSE_PROGRESS", os.path.join(tempfile.mkdtemp(prefix="netcourse-"), "progress.json")
)
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's notice on stderr
