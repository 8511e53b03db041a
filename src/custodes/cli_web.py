"""The `custodes serve` and `custodes token` commands, kept apart from cli.py so the web stack
loads only when used.

The lead wires them in with `cli_web.register(app)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from custodes.cli_common import DbOpt

if TYPE_CHECKING:
    from sqlalchemy import Engine

err = Console(stderr=True)
out = Console()
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0 exposes it to the network).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    db: Annotated[str | None, typer.Option(
        "--db", help="SQLite database file or postgresql:// URL (default: $CUSTODES_DB, else ./custodes.db).")]
    = None,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
    review: Annotated[bool, typer.Option(
        "--review", help="Also serve the review pages at /review, for holders of a token made with "
        "`custodes token create NAME`.")] = False,
) -> None:
    """Serve the web app and REST API (read-only) over a database.

    Pages: world map, countries, vendors, search, deployments explorer, downloads.
    API: /api/v1 (reference at /api, OpenAPI at /api/v1/openapi.json).

    Without --review nothing the server answers can change the database. With --review, /review
    lists the review queue and records accept / reject / edit decisions, under the name of the
    token the reviewer signed in with (forms are CSRF-protected and same-origin only).

    Example: [bold]custodes demo --db demo.db && custodes serve --db demo.db --port 8000[/bold]
    """
    import uvicorn

    from custodes.config import resolve_db_path
    from custodes.web.app import create_app
    from custodes.web.store import StoreError

    path = resolve_db_path(db)
    try:
        app = create_app(path, review=review)
    except StoreError as exc:
        err.print(f"[red]error[/red]: {exc}")
        raise typer.Exit(2) from exc
    if not review:
        err.print(f"custodes: serving {path} read-only at [bold]http://{host}:{port}/[/bold] (Ctrl+C stops)")
    else:
        from custodes.store.tokens import list_tokens

        with app.state.review.engine.connect() as conn:
            active = [t.name for t in list_tokens(conn) if t.active]
        err.print(f"custodes: serving {path} at [bold]http://{host}:{port}/[/bold], review pages at "
                  f"[bold]http://{host}:{port}/review[/bold] (Ctrl+C stops)")
        if not active:
            err.print(f"[yellow]warning[/yellow]: no active review token; make one with "
                      f"`custodes token create NAME --db {path}`")
        if host not in LOOPBACK:
            err.print("[yellow]warning[/yellow]: review tokens and session cookies cross the network in clear "
                      "over plain HTTP; put the server behind HTTPS")
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=log_level == "debug")


token_app = typer.Typer(name="token", no_args_is_help=True, help="""\
Tokens for the review pages of `custodes serve --review`: create, list, revoke.

The secret is printed once, when it is made; the database keeps only its SHA-256 digest.

Example: [bold]custodes token create alice[/bold]""")


def _tokens_engine(db: str | Path | None) -> Engine:
    """The database the tokens live in; refused when missing (a mistyped --db must not make a new one)."""
    from custodes.config import resolve_db_path
    from custodes.store.db import open_database

    path = resolve_db_path(db)
    if isinstance(path, Path) and not path.is_file():
        err.print(f"[red]error[/red]: no database at {escape(str(path))}; give --db PATH (or set $CUSTODES_DB)")
        raise typer.Exit(2)
    return open_database(path)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="Who will use it; recorded as the reviewer of each decision.")],
    db: DbOpt = None,
) -> None:
    """Make a review token for NAME and print its secret (once: it is not stored, only its digest).

    Sign in with it at /review/login of `custodes serve --review`, or send it as
    `Authorization: Bearer SECRET` from a script.

    Example: [bold]custodes token create alice --db custodes.db[/bold]
    """
    from custodes.analyse import now_iso
    from custodes.store.tokens import TokenError, create_token

    engine = _tokens_engine(db)
    try:
        with engine.begin() as conn:
            secret = create_token(conn, name, now_iso())
    except TokenError as exc:
        err.print(f"[red]error[/red]: {escape(str(exc))}")
        raise typer.Exit(1) from exc
    print(secret)
    err.print(f"token for {escape(name.strip())} created. This is the only time its secret is shown: keep it "
              "somewhere safe; `custodes token revoke` withdraws it.")


@token_app.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(help="The token's name, as `custodes token list` shows it.")],
    db: DbOpt = None,
) -> None:
    """Withdraw NAME's token at once: its sessions in a running server stop working on their next request.

    The decisions already made with it stay, under its name.

    Example: [bold]custodes token revoke alice[/bold]
    """
    from custodes.analyse import now_iso
    from custodes.store.tokens import TokenError, revoke_token

    engine = _tokens_engine(db)
    try:
        with engine.begin() as conn:
            info = revoke_token(conn, name, now_iso())
    except TokenError as exc:
        err.print(f"[red]error[/red]: {escape(str(exc))}")
        raise typer.Exit(1) from exc
    err.print(f"token {escape(info.name)} revoked at {info.revoked_at}")


@token_app.command("list")
def token_list(
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """Every review token with when it was made and revoked (secrets are never stored, so never shown).

    Example: [bold]custodes token list --json[/bold]
    """
    import json

    from custodes.store.tokens import list_tokens

    engine = _tokens_engine(db)
    with engine.connect() as conn:
        tokens = list_tokens(conn)
    if as_json:
        print(json.dumps([t.to_dict() for t in tokens], indent=2))
        return
    if not tokens:
        err.print("no review tokens; make one with `custodes token create NAME`")
        return
    table = Table("name", "created", "revoked", "state")
    for t in tokens:
        table.add_row(escape(t.name), t.created_at, t.revoked_at or "", "active" if t.active else "revoked")
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add `serve` and `token` to the custodes command line; calling it twice adds them once."""
    if "serve" not in {info.name for info in app.registered_commands}:
        app.command("serve")(serve)
    if "token" not in {info.name for info in app.registered_groups}:
        app.add_typer(token_app, name="token")
