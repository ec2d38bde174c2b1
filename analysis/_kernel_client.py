"""A notebook kernel client that does not miss a reply.

nbclient waits for a cell's ``execute_reply`` with ``shell_channel.get_msg(timeout=None)``:
one asyncio poll of the ZeroMQ socket with no deadline. After a notebook with ipywidgets
(explore) has run in a process, that poll sometimes never wakes up although the reply has
arrived: the kernel sits idle and the run hangs for good (reproduced: the second papermill
run of ``notebooks/explore.ipynb`` in one process hung in 2 of 2 tries; with this client,
12 of 12 runs finished). A known, open problem: jupyter/nbclient#312.

:class:`PollingKernelClient` polls in slices of one second instead, so a missed wake-up
costs at most a second; a message is never lost, and a get with a timeout is unchanged.
:func:`analysis._runlog.kernel_manager_class` makes every report kernel use it.
"""

from __future__ import annotations

from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from traitlets import Type

__all__ = ["PollingKernelClient"]

_SLICE_SECONDS = 1.0


class _PollingChannel(AsyncZMQSocketChannel):  # type: ignore[misc]
    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
        if timeout is not None:
            return await super().get_msg(timeout)
        while True:  # no deadline: poll again every second rather than once, forever
            try:
                return await super().get_msg(_SLICE_SECONDS)
            except Empty:
                continue


class PollingKernelClient(AsyncKernelClient):  # type: ignore[misc]
    """An ``AsyncKernelClient`` whose shell and IOPub gets without a deadline re-poll."""

    shell_channel_class = Type(_PollingChannel)
    iopub_channel_class = Type(_PollingChannel)
