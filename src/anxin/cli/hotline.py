"""``anxin hotline check NUMBER [--brand NAME] [--json]``: is this number a brand's verified line?"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from anxin.cli.common import DbOption, database_session
from anxin.hotline import service as hotlines

app = typer.Typer(no_args_is_help=True)

VERDICT_TEXT = {
    "verified": "verified official number",
    "other_brand": "verified, but for a different brand",
    "not_registered": "not registered by any brand",
}


@app.command("check", help="Check a number against the verified-hotline registry (exit 0 verified, 1 otherwise).")
def check(
    number: str = typer.Argument(..., help="The number as written, e.g. 400-1865-909."),
    brand: str | None = typer.Option(None, help="The brand the number claims to serve."),
    as_json: bool = typer.Option(False, "--json", help="Print only one JSON object."),
    db: Path | None = DbOption,
) -> None:
    with database_session(db) as session:
        result = hotlines.check_number(session, number=number, brand=brand)
    if as_json:
        print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    else:
        out = Console()
        style = "green" if result.verdict == "verified" else "red"
        out.print(f"[bold]{result.display}[/bold]: [{style}]{VERDICT_TEXT[result.verdict]}[/{style}]")
        for b in result.verified_for:
            out.print(f"  verified for {b.brand}: {', '.join(b.numbers)}")
        if brand and not result.brand_known:
            out.print(f"  {brand} has not joined anxin; use the number in the manual or on the official website")
        elif result.real_numbers:
            out.print(f"  {brand}'s verified numbers: {', '.join(result.real_numbers)}")
        out.print(f"  reported as fake {result.fake_reports} time(s)")
    raise typer.Exit(0 if result.verdict == "verified" else 1)
