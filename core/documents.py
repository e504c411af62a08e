"""The registry of search document types. Each type names the model whose
rows it indexes (by label, "complaints.case") and how to build its documents;
the search app registers the types it knows at startup, and the event writer
writes an outbox row for every change of a registered model. Core itself
builds nothing: it only keeps the register."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DocumentType:
    """One kind of search document.

    - `model`: label of the model whose rows become documents.
    - `name`: short name of the document type (its index suffix).
    - `build`: documents of a batch of row ids, with the error of each id
      whose document could not be built; ids that are gone are left out.
    - `iter_all`: every document, for a full reindex.
    - `mapping`: the index mapping (and settings) of the type.
    """

    model: str
    name: str
    build: Callable[[list[int]], tuple[list[dict[str, Any]], dict[int, str]]]
    iter_all: Callable[[], Iterator[dict[str, Any]]] | None = None
    mapping: Callable[[], dict[str, Any]] | None = None
    options: dict[str, Any] = field(default_factory=dict)


_registry: dict[str, DocumentType] = {}


def register(doc_type: DocumentType) -> DocumentType:
    _registry[doc_type.model] = doc_type
    return doc_type


def is_registered(model: str) -> bool:
    return model in _registry


def get(model: str) -> DocumentType | None:
    return _registry.get(model)


def registered() -> Iterable[DocumentType]:
    return tuple(_registry.values())
