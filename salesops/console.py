"""The terminal output of the command line (rich)."""

import os

from rich.console import Console, ConsoleDimensions


class _Console(Console):
    """When the output is not a terminal (a pipe, a file, a test runner), tables get 160
    columns instead of rich's 80, so they are not squeezed; COLUMNS or a width set in code
    still win. Decided at print time, not when the module is imported (rich would freeze
    the COLUMNS of that moment)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        if "width" not in kwargs:
            self._width = None

    @property
    def size(self) -> ConsoleDimensions:
        size = super().size
        if self._width is not None:  # set explicitly (console.width = ...)
            return size
        columns = os.environ.get("COLUMNS", "")
        if columns.isdigit():  # rich ignores COLUMNS on a "dumb" TERM
            return ConsoleDimensions(int(columns), size.height)
        if not self.is_terminal:
            return ConsoleDimensions(160, size.height)
        return size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)


def make_console() -> Console:
    return _Console()
