"""Signals through which core tells the apps above it what happened, without
importing them: core knows no app by name."""

from django.dispatch import Signal

#: Sent after the commit of every event: sender is the owner's model class,
#: with owner_id, version and action. Apps push live updates from it.
entity_changed = Signal()

#: Sent after the commit of a transaction that wrote outbox entries; the
#: search app schedules its drain from it.
outbox_pending = Signal()
