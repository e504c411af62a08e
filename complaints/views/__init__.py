"""Server-rendered pages: the home page, the operator console (intake, queue,
case page) and the consumer's case tracking."""

from complaints.views.home import home

__all__ = ["home"]
