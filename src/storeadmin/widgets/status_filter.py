"""A status filter for the Orders and Subscriptions tabs: All or one status.

"All" is the Select's blank entry, so ``Select.NULL`` means "no filter". Compare
with ``Select.NULL`` (``Select.BLANK`` means something else since Textual 8).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Select

from storeadmin.widgets.tab_base import PagedTab

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


def status_label(status: StrEnum) -> str:
    """``chargeback`` → ``Chargeback``."""
    return status.value.replace("_", " ").capitalize()


class StatusFilter(Select[E], Generic[E]):
    """A compact Select of statuses whose blank entry reads "All statuses"."""

    DEFAULT_CSS = """
    StatusFilter {
        width: 28;
    }
    """

    def __init__(
        self,
        statuses: Sequence[E],
        *,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
    ) -> None:
        super().__init__(
            [(status_label(status), status) for status in statuses],
            prompt="All statuses",
            allow_blank=True,
            compact=True,
            id=id,
        )

    @property
    def status(self) -> E | None:
        """The chosen status, or None for All."""
        value = self.value
        return None if value is Select.NULL else value  # type: ignore[return-value]  # Select.value is typed E | NoSelection; NULL is the only NoSelection


class FilteredTab(PagedTab[T], Generic[T]):
    """A paged tab with a status filter above the table; changing it reloads page 1."""

    DEFAULT_CSS = """
    FilteredTab > .tab-toolbar {
        padding: 0 1;
    }
    FilteredTab > .tab-toolbar > Label {
        padding: 0 1 0 0;
        color: $text-muted;
    }
    """

    STATUSES: ClassVar[Sequence[StrEnum]] = ()
    """The statuses offered besides All."""

    def compose_toolbar(self) -> ComposeResult:
        """The status filter."""
        with Horizontal(classes="tab-toolbar"):
            yield Label("Status (f)")
            yield StatusFilter(self.STATUSES, id=f"{self.GROUP}-filter")

    @property
    def status_filter(self) -> StatusFilter[StrEnum]:
        """The filter widget."""
        return self.query_one(StatusFilter)

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.loaded:
            self.load()
