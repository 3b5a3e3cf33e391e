"""The terminal driver the TUI runs on: Textual's, minus a crash on bytes that are not UTF-8.

Textual 8.2.8's ``LinuxDriver.run_input_thread`` decodes stdin with a strict UTF-8
incremental decoder. One 0xff byte typed or pasted (a Latin-1 terminal, a stray
``Alt`` on some keyboards) raises ``UnicodeDecodeError`` in the input thread; the
driver's wrapper turns that into ``App.panic`` and the app dies with a traceback.
:class:`SafeInputDriver` runs the same loop with ``errors="replace"``, so the byte
becomes U+FFFD (which validation refuses and display shows as ``�``) and the app goes on.
"""

from __future__ import annotations

import os
import selectors
from codecs import IncrementalDecoder, getincrementaldecoder

from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


def decoder() -> IncrementalDecoder:
    """The incremental UTF-8 decoder the input thread uses: invalid bytes → U+FFFD."""
    return getincrementaldecoder("utf-8")(errors="replace")


class SafeInputDriver(LinuxDriver):
    """``LinuxDriver`` whose input thread never dies on bytes that are not UTF-8."""

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual's loop with a forgiving decoder)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = XTermParser(self._debug)
        feed, tick = parser.feed, parser.tick
        decode = decoder().decode

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False
        ) -> None:
            for last, (_key, mask) in loop_last(selector_events):
                if mask & selectors.EVENT_READ:
                    unicode_data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        break  # stdin is a pipe that closed
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass
