"""kombu's file-system transport (the embedded default's broker) without its
torn messages.

kombu creates a message's file, then writes it; a consumer that lists the
folder in between moves the file away and reads it empty or half written
(its move does not wait for the writer's lock), and the JSON error stops the
worker with an "Unrecoverable error" and loses the message. Under load this
happened every few minutes of ``make run``. Here a message is written under
a name no consumer looks for, then renamed into place: a rename is atomic,
so a consumer sees a whole message or none. Selected by
``CELERY_BROKER_TRANSPORT`` in settings for ``filesystem://``.
"""

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    # kombu names the argument "message" in its base class and "payload" here.
    def _put(self, queue: str, message: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # A consumer reads "<anything>.<queue>.msg": this name is not one.
        partial = os.path.join(self.data_folder_out, f".writing.{name}")
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(message)))
            os.rename(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
