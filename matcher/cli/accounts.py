"""`flask create-coordinator EMAIL`, `flask set-coordinator-password EMAIL`, `flask deactivate-coordinator EMAIL`."""

import click
from email_validator import EmailNotValidError, validate_email

from matcher.services.accounts import AccountError, change_password, create_coordinator, deactivate


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


@click.command("set-coordinator-password")
@click.argument("email")
@click.password_option(
    prompt="New password (at least 10 characters)", confirmation_prompt="Repeat the password",
    help="Asked twice when not given.",
)
def set_coordinator_password_command(email: str, password: str) -> None:
    """Give a coordinator a new password (asks twice); their sessions end."""
    try:
        coordinator = change_password(email, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"The password of {coordinator.email} is changed; their sessions have ended.")


@click.command("deactivate-coordinator")
@click.argument("email")
def deactivate_coordinator_command(email: str) -> None:
    """Stop a coordinator from signing in; their sessions end."""
    try:
        coordinator = deactivate(email)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{coordinator.email} can no longer sign in; their sessions have ended.")
