from __future__ import annotations

from django.db import models


class OutboxEntry(models.Model):
    """A pending change for the search index, written in the same transaction
    as the change itself so that no committed write is ever missed. The
    drain task sends it with `version` as the external version."""

    model = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    version = models.PositiveIntegerField()
    deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["model", "object_id"])]
        verbose_name = "search outbox entry"
        verbose_name_plural = "search outbox"

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id} v{self.version}"
