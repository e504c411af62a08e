"""Request limits: how large a body may be, refused from its declared length
before it is read (by the ASGI server, the ASGI application and Django),
uploads streamed to disk within their limits, and JSON nested no deeper
than a form ever needs."""
