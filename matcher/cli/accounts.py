"""`flask create-coordinator EMAIL`."""

import click

from matcher.services.accounts import AccountError, create_coordinator


@click.command("create-coordinator")
@click.argument("email")
@click.option("--name", default="", help="The coordinator's full name.")
@click.password_option(help="Asked twice when not given.")
def create_coordinator_command(email: str, name: str, password: str) -> None:
    """Create a coordinator account (asks for the password twice)."""
    try:
        coordinator = create_coordinator(email, password, name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Coordinator {coordinator.email} created.")
