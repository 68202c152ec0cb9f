"""The terminal output of the command line (rich)."""

import os

from rich.console import Console


class _Console(Console):
    """When the output is not a terminal (a pipe, a file, a test runner), tables get 160
    columns instead of rich's 80, so they are not squeezed; COLUMNS still wins. Decided at
    print time, not when the module is imported."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        if "width" not in kwargs:
            self._width = None  # rich froze COLUMNS of the moment of import; read it when printing

    @property
    def width(self) -> int:
        if self._width is None:
            columns = os.environ.get("COLUMNS", "")
            if columns.isdigit():  # rich ignores COLUMNS on a "dumb" TERM
                return int(columns)
            if not self.is_terminal:
                return 160
        return super().width

    @width.setter
    def width(self, value: int) -> None:
        self._width = value


def make_console() -> Console:
    return _Console()
