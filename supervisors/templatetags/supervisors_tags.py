from typing import Any

from django import template

register = template.Library()


@register.filter
def field(errors: dict[str, Any], name: str) -> Any:
    """The messages of one field in a service's error dict."""
    return errors.get(name, []) if errors else []
