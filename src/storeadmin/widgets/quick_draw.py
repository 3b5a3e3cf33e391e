"""A DataTable that draws its rows for a fraction of Textual's cost, with the same lines.

A search page's frame draws ~44 rows of 7 cells, after every keystroke. Textual's
DataTable spends most of that in generic machinery; ``QuickDrawTable`` replaces four of
its private steps, each held to Textual's own result by a test (Textual is pinned: an
upgrade re-runs those tests before anything else):

* ``_render_cell``: one-line ``Text`` cells through ``text_cells.render_text_line``
  (``tests/ui/test_text_cells.py``);
* ``render_lines``: drops the caches of replaced contents, which Textual keeps until
  its LRU limits fill (megabytes a table that no lookup can hit again);
* ``rich_style`` and ``_get_row_style``: the table's style and its zebra rows' are an
  ancestor walk of ~30 µs each, made per drawn line; they are kept with the component
  styles Textual already caches, and dropped when Textual drops those
  (``tests/ui/test_quick_draw.py``).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual._types import SegmentLines
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable

from storeadmin.widgets.text_cells import render_text_line

_OWN_STYLE = ("quick-draw--own-style",)
"""The key of the table's own rich style in Textual's ``_rich_style_cache`` (no
component has this name)."""


class QuickDrawTable(DataTable[Text | str]):
    """A DataTable of ``Text`` cells drawn through the fast paths above."""

    _cached_update_count = -1
    """The DataTable ``_update_count`` its render caches were filled at."""

    @property
    def rich_style(self) -> Style:
        """The table's own style, as ``DOMNode.rich_style`` computes it, kept until
        Textual next drops its cached component styles (a style or repaint change)."""
        cached = self._rich_style_cache.get(_OWN_STYLE)
        if cached is None:
            style = super().rich_style
            self._rich_style_cache[_OWN_STYLE] = (style, style)
            return style
        return cached[0]

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        """A zebra row's style from Textual's cached component styles (the DataTable
        builds the component's styles anew for every line it draws)."""
        if row_index >= self.fixed_rows and self.zebra_stripes:
            odd = row_index % 2
            return self.get_component_rich_style(
                "datatable--odd-row" if odd else "datatable--even-row"
            )
        return super()._get_row_style(row_index, base_style)

    def render_lines(self, crop: Region) -> list[Strip]:
        """Render, first dropping cached lines and cells of older contents.

        The DataTable keys its line, row and cell caches by ``_update_count``, which
        every added row or updated cell bumps, and keeps stale entries until its LRU
        limits (1,000 lines and rows, 10,000 cells) push them out: megabytes per table
        that no lookup can hit again (after each page appended, each refreshed row).
        """
        if self._update_count != self._cached_update_count:
            self._cached_update_count = self._update_count
            self._line_cache.clear()
            self._row_render_cache.clear()
            self._cell_render_cache.clear()
            self._row_renderable_cache.clear()
        return super().render_lines(crop)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        """A body cell holding ``Text`` in a one-line row is rendered by
        ``text_cells.render_text_line`` (the same segments, a fraction of the time);
        headers, fixed cells, other cell types and taller rows the DataTable's way."""
        if (
            row_index < self.fixed_rows
            or column_index < self.fixed_columns
            or row_index < 0
            or column_index < 0
        ):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        row = self.rows.get(row_key)
        cell = self._data[row_key].get(column_key) if row is not None else None
        if row is None or row.height != 1 or not isinstance(cell, Text):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        component_style, post_style = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        pre_style = (
            base_style + Style.from_meta({"row": row_index, "column": column_index})
        ) + component_style
        line = render_text_line(
            self.app.console, cell, width, self.cell_padding, pre_style, post_style
        )
        if line is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        self._cell_render_cache[cache_key] = [line]
        return [line]
