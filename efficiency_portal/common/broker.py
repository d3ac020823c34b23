"""The embedded broker: kombu's filesystem transport, with messages written atomically.

kombu's own ``_put`` creates the message file and then writes it, so a worker polling at that moment moves and reads
an empty file and dies on the JSON error (seen under load: the worker's death took the demo's web server with
it). Here a message is written under a temporary name that the reader ignores and renamed into place (an atomic
rename on one file system), and a file that still cannot be read as a message (left by an older writer or a crash)
is dropped with a warning instead of stopping the worker.
"""

from __future__ import annotations

import logging
import os
import uuid
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

logger = logging.getLogger(__name__)


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # The reader only picks names ending in ".<queue>.msg"; ".tmp" is never one of them.
        partial = f"{final}.{os.getpid()}.tmp"
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue):
        while True:
            try:
                return super()._get(queue)
            except ValueError:  # json.JSONDecodeError: an empty or cut message file
                logger.warning("Embedded broker: an unreadable message file of queue %s was dropped", queue)
                continue
            except Empty:
                raise


class Transport(filesystem.Transport):
    Channel = Channel
