"""The search interface every engine implements.

Three engines answer the same questions over the same documents
(search/documents.py): Elasticsearch and OpenSearch through bodies built with
elasticsearch-dsl (search/backends/dsl.py), and the database (ORM, PostgreSQL
full text) for the embedded default. The contract suite in
tests/search/test_contract.py runs on all three.

Ordering rules shared by every engine, so that results are comparable:
- hits sort by `received_at` descending, then `id` descending (stable for
  `search_after`);
- facet and cell buckets sort by count descending, then key ascending.
"""

from __future__ import annotations

import copy
import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.documents import DocumentType

#: Filter name -> the document field the filter tests. Every filter takes a
#: tuple of values (OR within one filter, AND across filters). `region`
#: matches a code at any level, `category` matches a whole subtree.
FILTER_FIELDS: dict[str, str] = {
    "region": "region_codes",
    "category": "category_path",
    "brand": "brand_key",
    "seller": "seller_key",
    "problem_type": "problem_type",
    "source": "source",
    "status": "status",
    "kind": "kind",
}

#: Facet name -> the document field it counts. A facet ignores its own filter
#: (post_filter pattern) so that choosing one value still shows the others.
FACET_FIELDS: dict[str, str] = {
    "source": "source",
    "status": "status",
    "kind": "kind",
    "problem_type": "problem_type",
    "category": "category",
    "brand": "brand_key",
    "seller": "seller_key",
    "region": "region_city",
}
FACET_SIZE = 20

#: Precomputed hotspot cell keys ("region|category|key", see documents.py).
CELL_FIELDS = (
    "cell_county_category_brand",
    "cell_county_category_seller",
    "cell_city_category_brand",
    "cell_city_category_seller",
    "cell_province_category_brand",
    "cell_province_category_seller",
    "cell_county_category",
    "cell_city_category",
)

#: Keyword fields that `terms()` and `CellSpec.distinct` may name.
KEYWORD_FIELDS = frozenset(
    {
        "kind",
        "source",
        "status",
        "tracking_code",
        "week",
        "region_county",
        "region_city",
        "region_province",
        "region_codes",
        "category",
        "category_path",
        "brand",
        "brand_key",
        "seller_key",
        "problem_type",
        "complainant_hash",
        "words",
        *CELL_FIELDS,
    }
)


@dataclass(frozen=True)
class SearchQuery:
    """What an enforcement officer asks for. Dates are local (TIME_ZONE)
    calendar days, both ends inclusive."""

    text: str = ""
    region: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    brand: tuple[str, ...] = ()
    seller: tuple[str, ...] = ()
    problem_type: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    counterfeit: bool | None = None
    #: Documents must lie in this region (any level) whatever the region
    #: filter asks: set from the searching user's office, never from input.
    scope_region: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    size: int = 20
    #: The `cursor` of the previous page (opaque string, see `Cursor`).
    search_after: str | None = None
    facets: bool = True
    highlight: bool = True

    def filters(self) -> dict[str, tuple[str, ...]]:
        """The non-empty keyword filters, by filter name."""
        return {name: getattr(self, name) for name in FILTER_FIELDS if getattr(self, name)}


@dataclass(frozen=True)
class Cursor:
    """A position in the (received_at desc, id desc) order."""

    received_ms: int
    id: int

    def encode(self) -> str:
        return f"{self.received_ms}_{self.id}"

    @classmethod
    def decode(cls, value: str) -> Cursor:
        """ValueError on anything that is not a cursor this module wrote."""
        ms, sep, pk = value.partition("_")
        if not sep:
            raise ValueError("not a cursor")
        return cls(int(ms), int(pk))


@dataclass
class Hit:
    id: int
    source: dict[str, Any]
    #: field -> fragments with <mark>…</mark> around the matches
    highlight: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class FacetBucket:
    key: str
    count: int


@dataclass
class SearchPage:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetBucket]]
    #: pass as SearchQuery.search_after for the next page; None on the last page
    next_cursor: str | None


@dataclass
class BulkResult:
    """Outcome of a bulk write. A version conflict (the index already holds
    the same or a newer version) counts as success: the newer write won."""

    ok: int = 0
    conflicts: int = 0
    #: document id -> error text, for the writes that failed
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return len(self.errors)


@dataclass(frozen=True)
class CellSpec:
    """One hotspot aggregation: bucket the documents that match `query` by a
    precomputed cell key and report, for the top `size` cells, their count,
    weight sum, exact distinct counts and per-week counts.

    `query.text`/facets/pagination are ignored; only filters and dates count.
    """

    field: str
    query: SearchQuery = SearchQuery()
    size: int = 100
    #: keyword fields counted exactly per cell (e.g. complainant_hash,
    #: seller_key, region_county); documents missing the field do not count
    distinct: tuple[str, ...] = ("complainant_hash",)
    #: include per-week counts (key: Monday date "YYYY-MM-DD")
    weeks: bool = True


@dataclass
class CellBucket:
    key: str
    count: int
    weight: float
    distinct: dict[str, int]
    weeks: dict[str, int]


ProgressCallback = Callable[[int], None]


def local_day_start_ms(day: dt.date) -> int:
    """Epoch milliseconds of local (TIME_ZONE) midnight starting `day`."""
    from django.utils import timezone

    return int(timezone.make_aware(dt.datetime.combine(day, dt.time.min)).timestamp() * 1000)


class SearchBackend(ABC):
    """One engine. Documents are dicts as built by search.documents; the
    alias (`<prefix>-cases`, or `<prefix>-<index>` of the document type
    `for_type` names) always names exactly one versioned index."""

    engine: str
    prefix: str
    #: The alias suffix, and the mapping of a new index (None: the case
    #: index's); `for_type` sets both for another document type.
    index_suffix: str = "cases"
    mapping: Callable[[], dict[str, Any]] | None = None
    #: Further document types whose indices reads (search, terms, cells)
    #: cover beside this one; set by `with_signals`.
    read_types: tuple[DocumentType, ...] = ()

    @property
    def alias(self) -> str:
        return f"{self.prefix}-{self.index_suffix}"

    def for_type(self, doc_type: DocumentType) -> SearchBackend:
        """This engine and prefix over the index of `doc_type`: writes,
        versions, counts and reindexing go to `<prefix>-<doc_type.index>`,
        and a new index gets the type's mapping. Searches and hotspots read
        the case index."""
        view = copy.copy(self)
        view.index_suffix = doc_type.index
        view.mapping = doc_type.mapping
        return view

    def with_signals(self, doc_types: Iterable[DocumentType]) -> SearchBackend:
        """This engine reading the case index together with the indices of
        `doc_types` (hotspot signals: supervisors' reports, spot-checks),
        which share the case document's shape. Writes still go to this
        view's own index."""
        view = copy.copy(self)
        view.read_types = tuple(t for t in doc_types if t.index != self.index_suffix)
        return view

    @property
    def read_aliases(self) -> list[str]:
        return [self.alias, *(f"{self.prefix}-{t.index}" for t in self.read_types)]

    def new_index_name(self) -> str:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
        return f"{self.alias}-{stamp}"

    @abstractmethod
    def health(self) -> dict[str, Any]:
        """{'ok': bool, ...} with the engine's version where it has one."""

    def mapping_current(self) -> bool:
        """False when the index behind the alias was built with an older
        mapping than the code's (run search_reindex)."""
        return True

    @abstractmethod
    def ensure_index(self) -> str:
        """Create a versioned index behind the alias unless one exists; return
        the index the alias names."""

    @abstractmethod
    def index_documents(
        self, docs: Iterable[dict[str, Any]], *, index: str | None = None
    ) -> BulkResult:
        """Bulk write with `doc['version']` as the external version."""

    @abstractmethod
    def delete_documents(self, items: Iterable[tuple[int, int]]) -> BulkResult:
        """Delete (id, version) pairs; a newer indexed version survives."""

    @abstractmethod
    def refresh(self) -> None:
        """Make every write so far visible to search."""

    @abstractmethod
    def count(self, index: str | None = None) -> int:
        """Documents behind the alias (or in one index)."""

    @abstractmethod
    def indices(self) -> dict[str, int]:
        """Every versioned index of this prefix -> document count."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchPage:
        """Full text and filters, facets, highlights, one page."""

    @abstractmethod
    def versions(self, ids: Iterable[int]) -> dict[int, int]:
        """id -> indexed version, for the ids that are indexed."""

    @abstractmethod
    def aggregate_cells(self, spec: CellSpec) -> list[CellBucket]:
        """The top cells by count (ties: key ascending), see CellSpec."""

    @abstractmethod
    def terms(self, field: str, query: SearchQuery, size: int = 50) -> list[FacetBucket]:
        """Counts of one keyword field over the matching documents (count
        descending, key ascending). With field="words" this gives the term
        frequencies from which emerging terms are scored against a
        background period, the same way on every engine."""

    @abstractmethod
    def drop(self) -> None:
        """Delete every index of this prefix (tests and resets)."""

    @abstractmethod
    def _write_to_new_index(
        self, docs: Iterable[dict[str, Any]], progress: ProgressCallback | None
    ) -> tuple[str, BulkResult]:
        """Create a fresh versioned index and stream `docs` into it."""

    @abstractmethod
    def _swap_alias(self, index: str) -> None:
        """Point the alias at `index` atomically and drop the old indices."""

    def reindex(
        self, docs: Iterable[dict[str, Any]], progress: ProgressCallback | None = None
    ) -> tuple[str, BulkResult]:
        """Build `<alias>-<timestamp>` from `docs`, then swap the alias
        to it in one step; searches never see a half-built index."""
        index, result = self._write_to_new_index(docs, progress)
        self._swap_alias(index)
        return index, result

    def scan(self, query: SearchQuery, *, limit: int | None = None) -> Iterator[Hit]:
        """Every matching hit in page order (for exports), following cursors."""
        page_query = SearchQuery(
            **{
                **query.__dict__,
                "size": 500,
                "facets": False,
                "highlight": False,
                "search_after": None,
            }
        )
        seen = 0
        while True:
            page = self.search(page_query)
            for hit in page.hits:
                if limit is not None and seen >= limit:
                    return
                seen += 1
                yield hit
            if page.next_cursor is None:
                return
            page_query = SearchQuery(**{**page_query.__dict__, "search_after": page.next_cursor})
