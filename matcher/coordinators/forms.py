"""Coordinator forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length


class SignInForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        "E-mail", validators=[DataRequired("Please enter your e-mail address."), Length(max=254)]
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Please enter your password."), Length(max=200)]
    )
    submit = SubmitField("Sign in")
