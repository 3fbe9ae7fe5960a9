"""Building the package's wheel in tests, one build at a time."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_wheel(out: Path) -> Path:
    """The package's wheel, built into ``out``. Builds share setuptools' build/ folder in the
    checkout, so parallel workers take turns (a lock file there) instead of racing in it."""
    (ROOT / "build").mkdir(exist_ok=True)
    with open(ROOT / "build" / ".wheel.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
             "-w", str(out), str(ROOT)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    (wheel,) = out.glob("netcourse-*.whl")
    return wheel
