"""`flask create-coordinator EMAIL`, `flask set-coordinator-password EMAIL`, `flask deactivate-coordinator EMAIL`,
`flask list-coordinators`, `flask invite-coordinator EMAIL --name NAME`."""

import click
from email_validator import EmailNotValidError, validate_email

from matcher.services import team
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


@click.command("list-coordinators")
def list_coordinators_command() -> None:
    """Print every coordinator account: name, e-mail, active or not, last sign-in (UTC)."""
    rows = [(c.name or "-", c.email, "active" if c.active else "deactivated",
             c.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if c.last_sign_in_at else "never")
            for c in team.list_coordinators()]
    if not rows:
        click.echo("No coordinator accounts yet: flask create-coordinator EMAIL or flask invite-coordinator EMAIL.")
        return
    header = ("Name", "E-mail", "Status", "Last sign-in (UTC)")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@click.command("invite-coordinator")
@click.argument("email")
@click.option("--name", required=True, help="The colleague's full name.")
def invite_coordinator_command(email: str, name: str) -> None:
    """Create an account without a password and e-mail its owner a link to choose one."""
    from matcher.extensions import db
    from matcher.models import OutboxMessage

    try:
        email = validate_email(email, check_deliverability=False).normalized
        coordinator, message_id = team.invite(email, name, inviter=None)
    except EmailNotValidError as error:
        raise click.ClickException(f"{email} is not a valid e-mail address.") from error
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    message = db.session.get(OutboxMessage, message_id)
    click.echo(f"Invited {coordinator.email}: the link is in outbox message {message_id} (state: {message.status}); "
               "a running worker (or `flask send-mail`) sends it.")
