"""`flask create-coordinator EMAIL`."""

import click
from email_validator import EmailNotValidError, validate_email

from matcher.services.accounts import AccountError, create_coordinator


@click.command("create-coordinator")
@click.argument("email")
@click.option("--name", default="", help="The coordinator's full name.")
@click.password_option(
    prompt="Password (at least 10 characters)", confirmation_prompt="Repeat the password",
    help="Asked twice when not given.",
)
def create_coordinator_command(email: str, name: str, password: str) -> None:
    """Create a coordinator account (asks for the password twice)."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
        coordinator = create_coordinator(email, password, name)
    except EmailNotValidError as error:
        raise click.ClickException(f"{email} is not a valid e-mail address.") from error
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Coordinator {coordinator.email} created. They can sign in at /coordinators/sign-in.")
