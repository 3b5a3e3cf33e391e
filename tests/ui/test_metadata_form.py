"""MetadataForm on its own: rows, Add field, local checks, store errors, dirty state."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from storeadmin.core.models import MetadataField
from storeadmin.widgets.metadata_form import MetadataForm, MetadataRow
from support.ui import FIXED_NOW

FIELDS = (
    MetadataField("DiscordID", "123456789012345678"),
    MetadataField("DiscordUsername", "alice.rust"),
)


class FormApp(App[None]):
    """Hosts one form; records what it submits (the details screen's role)."""

    def __init__(self) -> None:
        super().__init__()
        self.submitted: list[MetadataForm.Submitted] = []

    def now(self) -> datetime:
        """The fixed test clock (the form checks Discord IDs against it)."""
        return FIXED_NOW

    def compose(self) -> ComposeResult:
        yield MetadataForm(FIELDS, 7)

    @on(MetadataForm.Submitted)
    def _submitted(self, event: MetadataForm.Submitted) -> None:
        self.submitted.append(event)


def rows(app: App[None]) -> list[MetadataRow]:
    return list(app.query(MetadataRow))


def problem(row: MetadataRow) -> str:
    return str(row.query_one(".row-problem", Static).render())


async def set_row(app: App[None], index: int, key: str | None, value: str | None) -> None:
    row = rows(app)[index]
    if key is not None:
        row.query_one(".metadata-key", Input).value = key
    if value is not None:
        row.query_one(".metadata-value", Input).value = value


async def test_loaded_rows_are_clean_and_edits_make_it_dirty() -> None:
    app = FormApp()
    async with app.run_test(size=(100, 24)) as pilot:
        form = app.query_one(MetadataForm)
        assert form.fields == FIELDS
        assert not form.dirty
        assert not form.has_class("-dirty")

        await set_row(app, 1, None, "alice.minecraft")
        await pilot.pause()
        assert form.dirty
        assert form.has_class("-dirty")
        await set_row(app, 1, None, "alice.rust")
        await pilot.pause()
        assert not form.dirty  # back to what was loaded

        form.load((MetadataField("Tier", "gold"),), 9)
        await pilot.pause()
        assert form.fields == (MetadataField("Tier", "gold"),)
        assert form.version == 9
        assert not form.dirty


async def test_add_field_with_ctrl_n_and_submit_with_ctrl_s() -> None:
    app = FormApp()
    async with app.run_test(size=(100, 24)) as pilot:
        form = app.query_one(MetadataForm)
        rows(app)[0].query_one(".metadata-key", Input).focus()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(rows(app)) == 3
        assert app.focused is rows(app)[2].query_one(".metadata-key", Input)
        assert not form.dirty  # an empty row is no change
        await pilot.press(*"Tier", "enter", *"gold")
        await pilot.pause()
        assert form.dirty
        # Clearing a row removes that field on Update; the blank row is still sent.
        await set_row(app, 0, "", "")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [event] = app.submitted
        assert event.version == 7
        assert event.fields == (
            MetadataField("", ""),
            MetadataField("DiscordUsername", "alice.rust"),
            MetadataField("Tier", "gold"),
        )


async def test_bad_rows_are_flagged_locally_and_nothing_is_submitted() -> None:
    app = FormApp()
    async with app.run_test(size=(100, 24)) as pilot:
        form = app.query_one(MetadataForm)
        form.action_add_field()
        form.action_add_field()
        await pilot.pause()
        await set_row(app, 2, "discordusername", "dup")  # duplicate key (case-insensitive)
        await set_row(app, 3, "", "value without key")
        await set_row(app, 0, None, "12")  # not a Discord ID
        await pilot.click("#metadata-update")
        await pilot.pause()

        assert app.submitted == []
        flagged = [index for index, row in enumerate(rows(app)) if row.has_class("-invalid")]
        assert flagged == [0, 2, 3]
        assert problem(rows(app)[2]).startswith(
            "duplicate key 'discordusername' (already used in row 2)"
        )
        assert problem(rows(app)[3]) == "a value needs a key"
        assert problem(rows(app)[0]).startswith("DiscordID: a Discord user ID")
        summary = str(form.query_one("#metadata-problem", Static).render())
        assert summary.startswith("Not saved: 3 rows need fixing; row 1: DiscordID")
        # Row 1's key is fine, its value is not: the cursor goes to the value.
        assert app.focused is rows(app)[0].query_one(".metadata-value", Input)

        # Typing in a flagged row clears its flag; the others stay.
        await set_row(app, 3, "Note", None)
        await pilot.pause()
        assert not rows(app)[3].has_class("-invalid")
        assert rows(app)[2].has_class("-invalid")


async def test_show_errors_flags_rows_the_store_refused() -> None:
    app = FormApp()
    async with app.run_test(size=(100, 24)) as pilot:
        form = app.query_one(MetadataForm)
        form.show_errors({1: "the value is 2000 characters; at most 1024"})
        await pilot.pause()
        assert [row.has_class("-invalid") for row in rows(app)] == [False, True]
        assert problem(rows(app)[1]) == "the value is 2000 characters; at most 1024"
        form.show_errors({})
        await pilot.pause()
        assert not any(row.has_class("-invalid") for row in rows(app))
        assert not form.query_one("#metadata-problem", Static).display


async def test_saving_disables_update() -> None:
    app = FormApp()
    async with app.run_test(size=(100, 24)) as pilot:
        form = app.query_one(MetadataForm)
        await set_row(app, 1, None, "changed")
        form.set_saving(True)
        await pilot.press("ctrl+s")
        form.action_submit()
        await pilot.pause()
        assert app.submitted == []
        form.set_saving(False)
        form.action_submit()
        await pilot.pause()
        assert len(app.submitted) == 1


async def test_a_refused_value_takes_the_cursor_and_typing_fixes_it() -> None:
    app = FormApp()
    async with app.run_test(size=(100, 24)) as pilot:
        await set_row(app, 0, None, "12ab")
        await pilot.press("ctrl+s")
        await pilot.pause()
        value = rows(app)[0].query_one(".metadata-value", Input)
        assert app.focused is value
        assert "Discord" in problem(rows(app)[0])
        await pilot.press("end", "9")
        assert value.value == "12ab9"  # appended, not replaced
        assert rows(app)[0].query_one(".metadata-key", Input).value == "DiscordID"
        assert app.submitted == []
