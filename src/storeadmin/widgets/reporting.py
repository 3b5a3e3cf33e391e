"""Worker failures of any screen or widget reach the App's one error handler.

Textual posts ``Worker.StateChanged`` to the node that started the worker, and the
message does not bubble (``bubble=False``), so the App never sees a screen's failed
worker. Every screen and widget that starts workers inherits :class:`ReportsWorkerFailures`:
Textual calls a message handler of each class in the MRO, so this one runs beside the
node's own ``on_worker_state_changed`` (which shows the failure in place) and forwards
the failure to the App as :class:`~storeadmin.messages.WorkerFailed`.

Textual 8.2.8 has no public hook for "any worker failed" (the alternative, overriding
the private ``WorkerManager._remove_worker``, breaks silently on an upgrade);
``tests/ui/test_worker_failures.py`` fails if a node that starts workers lacks the mixin.
"""

from __future__ import annotations

from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState

from storeadmin.messages import WorkerFailed


class ReportsWorkerFailures(MessagePump):
    """Mixin for a screen or widget that runs workers: their failures go to the App."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Forward a failed worker of this node to the App (once: only its own node sees it)."""
        worker = event.worker
        mine = worker.node is self  # type: ignore[comparison-overlap]  # a mixin: self is the DOMNode it is mixed into
        if event.state is WorkerState.ERROR and mine and worker.error is not None:
            self.app.post_message(WorkerFailed(worker))
