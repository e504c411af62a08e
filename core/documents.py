"""The registry of search document types. Each type names the model whose
rows it indexes (by label, "complaints.case"), the index its documents go to,
how to build them and the index's mapping; the search app registers the types
it knows at startup, and the event writer writes an outbox row for every
change of a registered model. Core itself builds nothing: it only keeps the
register, so a new kind of document (a supervisor's report, a spot-check
result) is one more registration, with no change to the sync."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet


@dataclass(frozen=True)
class DocumentType:
    """One kind of search document. Every document is a dict with the row's
    `id` and `version` (the external version the engines compare).

    - `model`: label of the model whose rows become documents.
    - `index`: the index suffix: the engine keeps the documents behind the
      alias `<prefix>-<index>`. One index per type, because documents are
      keyed by row id and two models would overwrite each other's.
    - `build`: documents of a batch of row ids, with the error of each id
      whose document could not be built; ids that are gone are left out.
    - `mapping`: settings and mappings of the index, as a dict (the search
      app builds them with elasticsearch-dsl).
    - `iter_all`: every document in id order, for a full reindex; None:
      `build` over `rows()` in chunks.
    - `queryset`: the rows that should be indexed, each with a `version`
      column; None: every row of `model`.
    """

    model: str
    index: str
    build: Callable[[list[int]], tuple[list[dict[str, Any]], dict[int, str]]]
    mapping: Callable[[], dict[str, Any]]
    iter_all: Callable[[], Iterator[dict[str, Any]]] | None = None
    queryset: Callable[[], QuerySet[Any]] | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def rows(self) -> QuerySet[Any]:
        """The rows that should have a document (reconcile and status
        compare their versions and count with the index)."""
        if self.queryset is not None:
            return self.queryset()
        from django.apps import apps

        return apps.get_model(self.model)._default_manager.all()


_registry: dict[str, DocumentType] = {}


def register(doc_type: DocumentType) -> DocumentType:
    """Adds `doc_type`; registering the same type again changes nothing.
    A second type for the same model or the same index is refused: the
    outbox row of a change names only its model, and an index holds the
    rows of one model."""
    current = _registry.get(doc_type.model)
    if current == doc_type:
        return doc_type
    if current is not None:
        raise ValueError(f"a search document type for {doc_type.model!r} is already registered")
    for other in _registry.values():
        if other.index == doc_type.index:
            raise ValueError(
                f"index {doc_type.index!r} already holds the documents of {other.model!r}"
            )
    _registry[doc_type.model] = doc_type
    return doc_type


def unregister(model: str) -> DocumentType | None:
    """Removes the type of `model` (tests, apps that are switched off);
    its pending outbox rows then stay with an error until it is back."""
    return _registry.pop(model, None)


def is_registered(model: str) -> bool:
    return model in _registry


def get(model: str) -> DocumentType | None:
    return _registry.get(model)


def registered() -> Iterable[DocumentType]:
    return tuple(_registry.values())


def for_index(index: str) -> DocumentType | None:
    """The type whose documents go to `index`."""
    return next((t for t in _registry.values() if t.index == index), None)
