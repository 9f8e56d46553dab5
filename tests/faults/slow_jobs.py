"""A document kind for fault tests: it holds its first attempt until killed, later ones finish.

Imported by the test process and by the worker subprocesses (`celery worker --include`).
"""

import os
import time
from pathlib import Path

from renda.core.jobs import job_handler


@job_handler("fault_slow", "Fault test document")
def fault_slow(job, progress):
    marker = Path(job.params["marker"])
    marker.write_text(f"{os.getpid()} {job.attempts}")
    progress(10)
    if job.attempts <= job.params.get("hold_attempts", 1):
        # Hold the build long enough for the test to kill the worker; never finishes on its own
        # inside the test's time budget.
        deadline = time.monotonic() + job.params.get("hold_seconds", 120)
        while time.monotonic() < deadline:
            time.sleep(0.2)
            progress(20)
    progress(90)
    return "fault.txt", f"built on attempt {job.attempts}".encode()
