"""What every command module shares: the --db option and how a usage error ends a command."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

EXIT_USAGE = 2
DbOpt = Annotated[str | None, typer.Option(
    "--db", help="SQLite database file or postgresql:// URL [default: $CUSTODES_DB or ./custodes.db]")]


def fail(message: str) -> typer.Exit:
    """Print the error (markup-safe) and return the exit to raise: `raise fail("...")`."""
    from custodes.cli import err

    err.print(f"[red]error[/red]: {escape(message)}")
    return typer.Exit(EXIT_USAGE)
