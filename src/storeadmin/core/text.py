"""Make strings from data safe to show in a terminal.

Customer names and metadata are typed by strangers. Rich and Textual pass ESC,
OSC and bidi overrides straight to the terminal (reliability.md, finding 5), so
every value is run through :func:`display_safe` before it is displayed. Markup
is *not* this module's concern: the UI never parses data as markup, so
``"[bold]x[/]"`` passes through unchanged.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
"""Shown in place of invisible characters that could reorder or hide text."""
ELLIPSIS = "…"


def _build_table() -> dict[int, str]:
    """Translation table: C0 → control pictures, DEL → ␡, hidden/reordering chars → U+FFFD."""
    table: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
    table[0x7F] = "\u2421"
    hidden: list[int] = [
        *range(0x80, 0xA0),  # C1 controls (0x9B is a one-byte CSI on some terminals)
        0x061C,  # Arabic letter mark
        *range(0x200B, 0x2010),  # zero-width space/joiners, LRM, RLM
        0x2028,  # line separator
        0x2029,  # paragraph separator
        *range(0x202A, 0x202F),  # bidi embeddings and overrides (U+202E flips text)
        *range(0x2060, 0x2070),  # word joiner, invisible operators, bidi isolates
        0xFEFF,  # zero-width no-break space / BOM
        *range(0xFFF9, 0xFFFC),  # interlinear annotation controls
        *range(0xD800, 0xE000),  # lone surrogates (undecodable bytes) cannot be encoded
        *range(0xE0000, 0xE0080),  # tag characters: invisible text smuggled after a char
    ]
    table.update(dict.fromkeys(hidden, REPLACEMENT))
    return table


_TABLE = _build_table()


def display_safe(text: str, *, max_length: int | None = None) -> str:
    """``text`` with controls made visible and hidden characters replaced, cut to ``max_length``.

    C0 controls become Unicode control pictures (ESC → ``␛``, newline → ``␊``),
    DEL becomes ``␡``; C1 controls, bidi controls and zero-width or other
    invisible format characters become ``�``. A longer result is cut to
    ``max_length`` characters ending in ``…``. Idempotent; never raises.
    """
    if not isinstance(text, str):
        try:
            text = str(text)
        except Exception:  # a broken __str__ must not take the screen down
            text = REPLACEMENT
    safe = text.translate(_TABLE)
    if max_length is not None and len(safe) > max_length:
        if max_length <= 0:
            return ""
        return safe[: max_length - 1] + ELLIPSIS
    return safe


def single_line(text: str, max_length: int | None = None) -> str:
    """Same as :func:`display_safe`: one visible line (newlines become ``␊``)."""
    return display_safe(text, max_length=max_length)


_MASK = "***"
_TOKEN = re.compile(r"[^\s'\"`<>()\[\]{},;]+")
"""A run of characters that could be one location (a URL, a DSN value, a path)."""
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:/+", re.IGNORECASE)
_KEYWORD_SECRET = re.compile(
    r"(?P<head>\b(?:password|passwd|pwd|pgpassword|api[_-]?key|secret|token)\s*[=:]\s*)"
    r"(?:'[^']*'?|\"[^\"]*\"?|\S+)",
    re.IGNORECASE,
)


def _mask_userinfo(token: str) -> str:
    """``token`` with the password of a ``user:password@host`` part masked, whatever else
    surrounds it: any scheme, any number of slashes (``postgresql:/u:pw@h``), none at all
    (``u:pw@h``), and ``@``, ``/`` or ``:`` inside the password (everything up to the last
    ``@`` is the user information)."""
    at = token.rfind("@")
    if at <= 0:
        return token
    head = _SCHEME.match(token)
    start = head.end() if head else 0
    colon = token.find(":", start, at)
    if colon < 0:
        return token
    return token[: colon + 1] + _MASK + token[at:]


def redact_credentials(text: str) -> str:
    """``text`` with anything shaped like a password masked: ``user:pw@`` in a URL of any
    shape (``postgresql:/u:pw@h``, ``u:pw@h``, ``u:p@ss@h``), ``password=…``,
    ``api_key=…``. A backstop for every message that could name a store location;
    idempotent; never raises."""
    if not isinstance(text, str):
        text = str(text)
    text = _TOKEN.sub(lambda match: _mask_userinfo(match.group(0)), text)
    return _KEYWORD_SECRET.sub(lambda match: match.group("head") + _MASK, text)
