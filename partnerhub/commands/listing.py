"""Importing a listing file from the command line."""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from partnerhub.extensions import db
from partnerhub.models import Organization, OrgKind
from partnerhub.services.importing import FIELDS, IGNORE, import_listing

EXIT_REFUSED = 1
EXIT_NEEDS_MAPPING = 2


def parse_map(specs):
    """{field: column} from "number=Lokal,floor=Piętro"; digits are a column number."""
    mapping = {}
    for spec in specs:
        for item in spec.split(","):
            if not item.strip():
                continue
            name, sep, column = item.partition("=")
            name, column = name.strip().lower(), column.strip()
            if not sep or not column:
                raise click.BadParameter(
                    f"{item!r} is not FIELD=COLUMN", param_hint="--map"
                )
            if name != IGNORE and name not in FIELDS:
                raise click.BadParameter(
                    f"unknown field {name!r}; fields: {', '.join(FIELDS)}, {IGNORE}",
                    param_hint="--map",
                )
            ref = int(column) - 1 if column.isdigit() and int(column) > 0 else column
            if name == IGNORE:
                mapping.setdefault(IGNORE, []).append(ref)
            else:
                mapping[name] = ref
    return mapping or None


@click.command("import-listing")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--developer", "slug", required=True, help="The developer's short name.")
@click.option("--project", default=None, help="The project (complex) to import into.")
@click.option(
    "--map",
    "map_specs",
    multiple=True,
    help="Columns the file's header does not name clearly, as FIELD=COLUMN pairs "
    "separated by commas (number=Lokal,floor=Piętro); COLUMN is a header or a "
    "column number counted from 1. The mapping is remembered for the next file "
    "with the same header.",
)
@with_appcontext
def import_listing_command(path, slug, project, map_specs):
    """Import a YRL feed or a CSV/XLSX price list for a developer."""
    mapping = parse_map(map_specs)
    developer = db.session.scalar(
        select(Organization).filter_by(slug=slug, kind=OrgKind.DEVELOPER)
    )
    if developer is None:
        click.echo(f"refused: no developer with the short name {slug!r}", err=True)
        sys.exit(EXIT_REFUSED)

    with path.open("rb") as file:
        result = import_listing(
            developer,
            file,
            path.name,
            project_name=project,
            mapping=mapping,
            remember_mapping=mapping is not None,
        )

    if result.mapping_request is not None:
        request = result.mapping_request
        click.echo(
            "refused: could not map the columns "
            + ", ".join(repr(h) for h in request.unrecognised)
            + f"; still needed: {', '.join(request.missing)}.",
            err=True,
        )
        hint = (
            "Map them on the import page of the web application (it remembers the "
            "choice), or pass --map "
            + ",".join(f"{name}=COLUMN" for name in request.missing)
        )
        if "price" in request.missing:
            hint += (
                "; to import without prices, leave the unknown columns out with "
                "--map ignore=COLUMN"
            )
        click.echo(hint + ".", err=True)
        sys.exit(EXIT_NEEDS_MAPPING)
    if result.errors:
        for problem in result.errors:
            click.echo(f"error: {problem}", err=True)
        click.echo("refused: nothing was imported", err=True)
        sys.exit(EXIT_REFUSED)

    click.echo(f"project {result.project_name} (id {result.project_id})")
    for warning in result.warnings:
        click.echo(f"warning: {warning}")
    for problem in result.conflicts:
        click.echo(f"conflict: {problem}")
    for problem in result.skipped:
        click.echo(f"skipped: {problem}")
    click.echo(result.summary())


COMMANDS = [import_listing_command]
