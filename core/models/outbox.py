"""The outbox: every write to an indexed entity records its new version in
the same transaction, so that no committed change is ever missed by the
search index (the database is the source of truth)."""

from __future__ import annotations

from django.db import models


class OutboxEntry(models.Model):
    """A pending change for the search index. The drain sends it with
    `version` as the external version; an entry whose type no document type
    claims stays, with its error."""

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
