"""``anxin users create``: make an account without the web UI (the first platform admin, for one)."""

from __future__ import annotations

from pathlib import Path

import typer

from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.auth.permissions import Role
from anxin.cli.common import DbOption, console, database_session
from anxin.errors import NotFound

app = typer.Typer(no_args_is_help=True)


@app.command("create", help="Create an account. Brand staff need --brand (the brand's slug).")
def create(
    username: str = typer.Argument(..., help="Login name."),
    role: Role = typer.Option(..., help="One of: " + ", ".join(r.value for r in Role)),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    brand: str | None = typer.Option(None, help="Brand slug, for agent, dispatcher, technician, brand_admin."),
    name: str | None = typer.Option(None, help="Display name."),
    db: Path | None = DbOption,
) -> None:
    with database_session(db) as session:
        brand_id = None
        if brand is not None:
            found = tenancy.get_brand_by_slug(session, slug=brand)
            if found is None:
                raise NotFound(f"no brand with slug {brand!r}; see GET /api/brands")
            brand_id = found.id
        user = auth.create_user(
            session, username=username, password=password, role=role, display_name=name, brand_id=brand_id
        )
        console.print(f"[green]created[/green] {user.username} ({role.value}) id={user.id}")
