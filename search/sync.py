from __future__ import annotations


def drain_outbox() -> int:
    """Placeholder until the indexing pipeline lands: leaves entries pending."""
    return 0
