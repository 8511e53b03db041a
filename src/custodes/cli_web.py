"""The `custodes serve` command, kept apart from cli.py so the web stack loads only when used.

The lead wires it in with `cli_web.register(app)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

err = Console(stderr=True)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0 exposes it to the network).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    db: Annotated[Path | None, typer.Option(
        "--db", help="SQLite database file (default: $CUSTODES_DB, else ./custodes.db).")] = None,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
) -> None:
    """Serve the web app and REST API (read-only) over a database.

    Pages: world map, countries, vendors, search, deployments explorer, downloads.
    API: /api/v1 (reference at /api, OpenAPI at /api/v1/openapi.json).

    Example: [bold]custodes demo --db demo.db && custodes serve --db demo.db --port 8000[/bold]
    """
    import uvicorn

    from custodes.config import resolve_db_path
    from custodes.web.app import create_app
    from custodes.web.store import StoreError

    path = resolve_db_path(db)
    try:
        app = create_app(path)
    except StoreError as exc:
        err.print(f"[red]error[/red]: {exc}")
        raise typer.Exit(2) from exc
    err.print(f"custodes: serving {path} read-only at [bold]http://{host}:{port}/[/bold] (Ctrl+C stops)")
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=log_level == "debug")


def register(app: typer.Typer) -> None:
    """Add `serve` to the custodes command line."""
    app.command("serve")(serve)
