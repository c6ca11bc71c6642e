"""What the embedded default keeps under ``var/``: the generated secret and
the folders of the server-less Celery broker."""

import os
import secrets
from pathlib import Path

VAR_DIR = Path(os.environ.get("VAR_DIR", Path(__file__).resolve().parent.parent / "var"))


def embedded_secret_key() -> str:
    """The secret generated on first use, so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # O_EXCL: when web, worker and beat start together only one writes.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty; delete it to generate a new secret")
    return key


def embedded_broker_options() -> dict[str, str | bool | float]:
    """kombu's filesystem transport: one folder in and out, so every process on
    this machine shares the same queues."""
    queue_dir = VAR_DIR / "broker" / "queue"
    processed_dir = VAR_DIR / "broker" / "processed"
    # Exchange tables; kombu's default is ./control, wherever the process runs.
    control_dir = VAR_DIR / "broker" / "control"
    for folder in (queue_dir, processed_dir, control_dir):
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue_dir),
        "data_folder_out": str(queue_dir),
        "processed_folder": str(processed_dir),
        "control_folder": str(control_dir),
        "store_processed": False,
        # kombu polls an empty folder every second by default: a dispatch sent
        # just after a poll waited that long, and beat's dispatch expires after
        # one tick (a second in the soak test), so ticks were lost. A listing
        # of the folder every 0.1 s costs nothing worth counting.
        "polling_interval": 0.1,
    }
