"""display_safe: no escape sequence or hidden character survives; markup passes through."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeadmin.core.text import display_safe, single_line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bob", "Bob"),
        ("", ""),
        ("名前 👾 émile", "名前 👾 émile"),
        # Markup-looking text is data: escaping is the UI's job (it never parses it).
        ("[bold]x[/]", "[bold]x[/]"),
        ("Bob [/]", "Bob [/]"),
        ("[@click=app.revoke_all]Free refund[/]", "[@click=app.revoke_all]Free refund[/]"),
        ("[link='https://e.x']x[/link]", "[link='https://e.x']x[/link]"),
        ("'; DROP TABLE customer;--", "'; DROP TABLE customer;--"),
        # C0 controls become control pictures.
        ("\x1b]0;PWNED-TITLE\x07", "␛]0;PWNED-TITLE␇"),
        ("\x1b[31mred", "␛[31mred"),
        ("\x1b[2J", "␛[2J"),
        ("\x1b]52;c;aGVsbG8=\x07", "␛]52;c;aGVsbG8=␇"),
        ("a\nb", "a␊b"),
        ("a\r\nb", "a␍␊b"),
        ("a\tb", "a␉b"),
        ("a\bb", "a␈b"),
        ("\x00", "␀"),
        ("\x1f", "␟"),
        ("\x7f", "␡"),
        # C1 controls (0x9b is a one-byte CSI) and invisible/reordering characters → U+FFFD.
        ("\x9b31m", "\ufffd31m"),
        ("\x85", "\ufffd"),
        ("abc\u202edef", "abc\ufffddef"),
        ("\u202a\u202b\u202c\u202d", "\ufffd" * 4),
        ("\u2066x\u2069", "\ufffdx\ufffd"),
        ("\u200e\u200f\u061c", "\ufffd" * 3),
        ("B\u200bob", "B\ufffdob"),
        ("a\u2028b\u2029c", "a\ufffdb\ufffdc"),
        ("\ufeffBOM", "\ufffdBOM"),
        ("x\U000e0041\U000e0042", "x\ufffd\ufffd"),  # tag characters hide text
        ("bad\udcffbyte", "bad\ufffdbyte"),  # lone surrogate from surrogateescape
    ],
)
def test_display_safe(text: str, expected: str) -> None:
    assert display_safe(text) == expected


def test_truncation() -> None:
    assert display_safe("abcdef", max_length=4) == "abc…"
    assert display_safe("abcd", max_length=4) == "abcd"
    assert display_safe("abcde", max_length=1) == "…"
    assert display_safe("abcde", max_length=0) == ""
    assert display_safe("abcde", max_length=-3) == ""
    assert display_safe("\x1b\x1b\x1b", max_length=2) == "␛…"
    assert single_line("a\nb", 10) == "a␊b"


def test_not_a_string_never_raises() -> None:
    class Broken:
        def __str__(self) -> str:
            raise RuntimeError("boom")

    assert display_safe(None) == "None"  # type: ignore[arg-type]
    assert display_safe(42) == "42"  # type: ignore[arg-type]
    assert display_safe(Broken()) == "\ufffd"  # type: ignore[arg-type]


@settings(derandomize=True, database=None, max_examples=300)
@given(st.text(), st.one_of(st.none(), st.integers(min_value=-2, max_value=40)))
def test_properties(text: str, max_length: int | None) -> None:
    safe = display_safe(text, max_length=max_length)
    assert display_safe(safe, max_length=max_length) == safe  # idempotent
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in safe)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in safe)
    assert not any(ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" for ch in safe)
    safe.encode("utf-8")  # always encodable for the terminal
    if max_length is not None:
        assert len(safe) <= max(max_length, 0)
