"""django-axes (sign-in lockout, core/auth.py) as an installed app with a
name the admin shows in the page's language. A module of its own: a second
AppConfig in core/apps.py would stop Django from picking CoreConfig."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class SignInProtectionConfig(AxesAppConfig):
    verbose_name = _("Sign-in protection")
