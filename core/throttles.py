"""API throttles per signed-in user and per anonymous address. Rates come
from settings.API_THROTTLE_RATES when a request is made, not when the class
is defined (as DRF's own classes read them), so that they follow the
environment and test settings; a rate of None turns a throttle off."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _RateFromSettings:
    scope: str | None

    def get_rate(self) -> str | None:
        rates: dict[str, str | None] = settings.API_THROTTLE_RATES
        return rates.get(self.scope or "")


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous requests, counted per address (REMOTE_ADDR; NUM_PROXIES
    says how many proxies' X-Forwarded-For entries to trust)."""


class UserThrottle(_RateFromSettings, UserRateThrottle):
    """Signed-in requests, counted per user."""
