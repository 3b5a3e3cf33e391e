"""Column priorities: which columns a narrow table keeps, and how wide each is."""

from __future__ import annotations

from rich.text import Text

from storeadmin.widgets.column_fit import ColumnSpec, date_column, fit_columns, fitted_cell

NAME = ColumnSpec("Name", min_width=12, max_width=40)
ID = ColumnSpec("External ID", key="external_id")
PLATFORM = ColumnSpec("Platform", priority=4)
WHEN = date_column("Expires")


def test_everything_fits_at_its_natural_width() -> None:
    assert fit_columns((NAME, ID, PLATFORM), (10, 17, 9), 80) == [(0, 10), (1, 17), (2, 9)]


def test_a_long_name_is_capped_and_cut_rather_than_widening_the_table() -> None:
    # A 64-character name: capped at 40, then cut so the essential ID column fits in 60.
    fitted = dict(fit_columns((NAME, ID, PLATFORM), (64, 36, 9), 60))
    assert fitted[1] == 36
    assert 12 <= fitted[0] <= 60 - 36 - 4
    assert 2 not in fitted  # the lesser column goes before the name is cut to nothing


def test_lesser_columns_go_first_and_essentials_stay() -> None:
    shown = [index for index, _ in fit_columns((NAME, PLATFORM, ID), (20, 9, 36), 64)]
    assert shown == [0, 2]


def test_a_date_time_column_cut_shows_the_whole_date() -> None:
    assert fit_columns((NAME, WHEN), (14, 16), 30) == [(0, 14), (1, 10)]  # never "2026-12-15 1"
    # With room to spare in the name, the name is cut first and the time stays.
    assert fit_columns((NAME, WHEN), (30, 16), 40) == [(0, 20), (1, 16)]


def test_not_laid_out_yet_shows_every_column() -> None:
    assert fit_columns((NAME, PLATFORM), (5, 9), None) == [(0, 5), (1, 9)]


def test_a_cut_cell_ends_with_an_ellipsis_and_a_date_is_cropped() -> None:
    assert fitted_cell("Whale", NAME).overflow == "ellipsis"
    assert fitted_cell(Text("2026-12-15 12:00"), WHEN).overflow == "crop"


def test_a_short_label_replaces_one_that_does_not_fit() -> None:
    spec = date_column("Next billing", short_label="Next bill")
    assert spec.label_at(10) == "Next bill"
    assert spec.label_at(16) == "Next billing"
