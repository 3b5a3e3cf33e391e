"""Metadata tab: the customer's key/value pairs in an editable form, saved version-guarded.

The tab loads the customer version *before* the metadata (worker group ``metadata``):
if someone changes the map between the two reads, the save is refused as stale rather
than silently overwriting their change (or the screen hands it both, read together,
with ``show_loaded``). Update runs ``replace_metadata`` in worker group
``metadata-save``; bad rows come back as ``InvalidRows`` and are flagged in the form,
a stale version says who changed the customer. On success the tab reloads and posts
:class:`MetadataTab.Saved` so the screen can reload the header and the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from storeadmin.core.errors import Conflict, InvalidRows, StoreError
from storeadmin.core.models import MetadataField
from storeadmin.core.service import StoreService
from storeadmin.widgets.host import host
from storeadmin.widgets.metadata_form import MetadataForm
from storeadmin.widgets.reporting import ReportsWorkerFailures


class MetadataTab(ReportsWorkerFailures, Vertical):
    """The metadata form, its load and its save."""

    DEFAULT_CSS = """
    MetadataTab {
        height: 1fr;
    }
    """

    GROUP = "metadata"
    """Worker group of the load; the save uses ``metadata-save``."""

    @dataclass
    class Loaded(Message):
        """The worker read the version and then the fields."""

        fields: tuple[MetadataField, ...]
        version: str

    @dataclass
    class Saved(Message):
        """Metadata was replaced (the screen reloads its header and history)."""

        tab: MetadataTab
        fields: tuple[MetadataField, ...]

        @property
        def control(self) -> MetadataTab:
            """The tab that saved."""
            return self.tab

    @dataclass
    class SaveFailed(Message):
        """The store refused the save; nothing was written."""

        error: StoreError

    def __init__(self, customer_id: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.customer_id = customer_id
        self.loaded = False
        """True once a load has been started (lazy loading on first view)."""
        self._focus_after_load = False
        self._keep_edits = False

    def compose(self) -> ComposeResult:
        """The form, empty until the first load."""
        yield MetadataForm(id="metadata-form")

    @property
    def form(self) -> MetadataForm:
        """The form."""
        return self.query_one(MetadataForm)

    @property
    def dirty(self) -> bool:
        """True when the form holds unsaved changes."""
        return self.form.dirty

    def focus_body(self) -> None:
        """Focus the rows (not a field, so the digit keys still switch tabs; Tab enters)."""
        self.form.query_one("#metadata-rows").focus()

    # ------------------------------------------------------------ load

    def load(self) -> None:
        """(Re)load the fields; unsaved edits are kept on top of what the store now holds
        (never silently thrown away), so a save refused as stale can be retried."""
        self._keep_edits = self.loaded and self.form.dirty
        self.loaded = True
        # The rows are about to be replaced: a cursor in them moves to the new first row.
        focused = self.screen.focused
        self._focus_after_load = isinstance(focused, Input) and self.form in focused.ancestors
        self.form.loading = True
        self._load(host(self).service)

    def show_pending(self) -> None:
        """Show the loading state while the screen reads the fields for this tab."""
        self.form.loading = True

    def show_loaded(self, fields: tuple[MetadataField, ...], version: str) -> None:
        """Show fields read elsewhere (the screen's one-read open), as ``load`` would.

        ``version`` is the customer version the fields were read at (a save is refused
        as stale if the customer changed since). Only for a tab not yet loaded: there
        are no edits to keep.
        """
        self.loaded = True
        self._keep_edits = self._focus_after_load = False
        self.post_message(self.Loaded(fields, version))

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="metadata", name="loading metadata"
    )
    def _load(self, service: StoreService) -> None:
        # Version first: a change between the reads makes the save stale, never lost.
        version = service.get_customer(self.customer_id).customer.version
        fields = service.get_metadata(self.customer_id)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(fields, version))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        event.stop()
        self.form.loading = False
        if self._keep_edits and self.form.dirty:
            self.form.rebase(event.fields, event.version)
        else:
            self.form.load(event.fields, event.version, focus=self._focus_after_load)
        self._focus_after_load = self._keep_edits = False

    # ------------------------------------------------------------ save

    @on(MetadataForm.Submitted)
    def _submitted(self, event: MetadataForm.Submitted) -> None:
        event.stop()
        self.form.set_saving(True)
        self._save(host(self).service, event.fields, event.version)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="metadata-save",
        name="saving metadata",
    )
    def _save(self, service: StoreService, fields: Sequence[MetadataField], version: str) -> None:
        try:
            saved = service.replace_metadata(self.customer_id, fields, expected_version=version)
        except StoreError as error:
            self.post_message(self.SaveFailed(error))
        else:
            self.post_message(self.Saved(self, saved))

    @on(SaveFailed)
    def _save_failed(self, event: SaveFailed) -> None:
        event.stop()
        form = self.form
        form.set_saving(False)
        if isinstance(event.error, InvalidRows):
            form.show_errors(event.error.rows)
        elif isinstance(event.error, Conflict):
            form.show_problem(
                f"Not saved: {event.error}. r reloads their change and keeps your edits;"
                " then Update (ctrl+s)."
            )
        else:
            form.show_problem(f"Not saved: {event.error}")

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        # Not stopped: the screen reloads the header and the history too.
        self.form.set_saving(False)
        self.form.dirty = False  # what was typed is what is stored now
        self.notify("Metadata saved.", markup=False)
        self.load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed load or an unexpected save error: say so in the form (the App reports it)."""
        worker = event.worker
        if worker.node is not self or event.state is not WorkerState.ERROR:
            return
        self.form.loading = False
        self.form.set_saving(False)
        error = worker.error
        # Only a StoreError's text is ours to show; anything else is named, not quoted.
        reason = str(error) if isinstance(error, StoreError) else type(error).__name__
        if worker.group == "metadata":
            self.form.show_problem(f"Could not load metadata: {reason}")
        else:
            self.form.show_problem(f"Unexpected error ({reason}): the metadata may not be saved.")
