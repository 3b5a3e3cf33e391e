"""The thread pool that runs the app's thread workers.

Textual runs a thread worker in the event loop's default executor and sets its
``active_worker`` context variable *in the pool thread's own context*, where it stays
after the work is done. An idle pool thread therefore keeps the last Worker it ran
alive, and with it that worker's node: a closed details screen and every customer row
it loaded, up to one screen per idle thread. Running each job in a copy of the
submitting context (what ``asyncio.to_thread`` does) confines that variable to the job,
so a closed screen is freed as soon as its last worker ends.
"""

from __future__ import annotations

import asyncio
import contextvars
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class ContextPerJobExecutor(ThreadPoolExecutor):
    """A thread pool whose jobs each run in a copy of the context that submitted them."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        context = contextvars.copy_context()

        def job() -> T:
            return context.run(fn, *args, **kwargs)

        return super().submit(job)


_INSTALLED: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ContextPerJobExecutor] = (
    weakref.WeakKeyDictionary()
)


def install(loop: asyncio.AbstractEventLoop) -> None:
    """Make a ``ContextPerJobExecutor`` the default executor of ``loop``, once per loop.

    The loop shuts it down when it closes (``asyncio.run`` does), like any default executor.
    """
    if loop not in _INSTALLED:
        executor = ContextPerJobExecutor(thread_name_prefix="storeadmin-worker")
        loop.set_default_executor(executor)
        _INSTALLED[loop] = executor
