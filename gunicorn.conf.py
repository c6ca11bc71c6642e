"""gunicorn's settings, read from the working directory (``make run``, the
systemd unit, the fault tests): a worker dies with its arbiter.

Killed with SIGKILL, the arbiter leaves its workers running; they notice
only after seconds and meanwhile hold the listening socket, so the arbiter
started again in its place cannot bind the port ("Connection in use") and
the page stays down. PR_SET_PDEATHSIG ends them at once.

No API key is written whole in its logs (statuspage/logredact.py).
"""

import ctypes
import signal

PR_SET_PDEATHSIG = 1
logger_class = "statuspage.logredact.RedactingGunicornLogger"


def post_fork(server, worker) -> None:  # type: ignore[no-untyped-def]
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
