"""A job run by the app's thread pool leaves nothing behind in the pool thread."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import weakref

from storeadmin import worker_pool

ACTIVE: contextvars.ContextVar[object] = contextvars.ContextVar("active")


class Screen:
    """Stands for a closed screen that a finished worker referred to."""


def test_a_finished_job_does_not_keep_what_it_set_in_its_thread() -> None:
    loop = asyncio.new_event_loop()
    try:
        worker_pool.install(loop)
        screen = Screen()
        screen_ref = weakref.ref(screen)

        def work(value: object) -> None:
            ACTIVE.set(value)  # what Textual does with active_worker in a thread worker

        loop.run_until_complete(loop.run_in_executor(None, work, screen))
        del screen
        gc.collect()
        assert screen_ref() is None
        # The same pool thread still runs jobs, with the submitter's context.
        ACTIVE.set("submitter")
        seen = loop.run_until_complete(loop.run_in_executor(None, ACTIVE.get))
        assert seen == "submitter"
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


def test_installing_twice_on_one_loop_keeps_one_pool() -> None:
    loop = asyncio.new_event_loop()
    try:
        worker_pool.install(loop)
        first = worker_pool._INSTALLED[loop]
        worker_pool.install(loop)
        assert worker_pool._INSTALLED[loop] is first
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
