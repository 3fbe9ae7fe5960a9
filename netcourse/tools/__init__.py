"""Command-line tools: exercises, doctor, slides, screenshots, captures, nbgrader, lab settings."""

#: Tools for developers, run from a checkout installed with ``.[test]`` (``make images``): they
#: may import the test extra (Playwright, Pillow). Every other module imports runtime
#: dependencies only (tests/test_packaging.py, tests/test_binder.py).
DEVELOPER_TOOLS = ("netcourse.tools.screenshots",)
