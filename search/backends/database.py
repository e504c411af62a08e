"""The database engine: the same documents in a table of their own
(SearchDocument), searched with the ORM. PostgreSQL answers full text from a
tsvector of the cjk tokens; other databases match the token string."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.fields import BooleanField
from django.db.models.functions import Collate

from search.backends.base import (
    CELL_FIELDS,
    FACET_FIELDS,
    FACET_SIZE,
    BulkResult,
    CellBucket,
    CellSpec,
    Cursor,
    FacetBucket,
    Hit,
    ProgressCallback,
    SearchBackend,
    SearchPage,
    SearchQuery,
    local_day_start_ms,
)
from search.documents import to_millis
from search.models import SearchAlias, SearchDocument
from search.textmatch import (
    highlight,
    like_pattern,
    query_terms,
    token_string,
    tsquery_literal,
    tsvector_literal,
)

BULK_CHUNK = 500
#: Document fields kept as columns (the rest lives in `body` only).
COLUMNS = (
    "kind",
    "source",
    "status",
    "week",
    "region_province",
    "region_city",
    "region_county",
    "category",
    "brand_key",
    "seller_key",
    "problem_type",
    "counterfeit",
    "complainant_hash",
    "weight",
    *CELL_FIELDS,
)
#: Keyword fields holding lists: counted from the JSON body.
LIST_FIELDS = frozenset({"words", "region_codes", "category_path"})
TABLE = SearchDocument._meta.db_table


def _row(index: str, doc: dict[str, Any]) -> dict[str, Any]:
    received = dt.datetime.fromisoformat(doc["received_at"])
    row = {col: doc.get(col) for col in COLUMNS}
    row.update(
        index_name=index,
        doc_id=int(doc["id"]),
        version=int(doc["version"]),
        body=json.dumps(doc, ensure_ascii=False),
        received_ms=to_millis(received),
        category_path="/" + "/".join(doc["category_path"]) + "/",
        tokens=token_string(doc.get("text") or ""),
        tsv=tsvector_literal(doc.get("text") or ""),
    )
    row["counterfeit"] = bool(row["counterfeit"])
    return row


class DatabaseBackend(SearchBackend):
    engine = "database"

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    @property
    def postgres(self) -> bool:
        return connection.vendor == "postgresql"

    def health(self) -> dict[str, Any]:
        return {"ok": True, "engine": self.engine, "vendor": connection.vendor}

    # --- indices ------------------------------------------------------------
    def _current(self) -> str | None:
        return (
            SearchAlias.objects.filter(name=self.alias).values_list("index_name", flat=True).first()
        )

    def ensure_index(self) -> str:
        current = self._current()
        if current:
            return current
        alias, _created = SearchAlias.objects.get_or_create(
            name=self.alias, defaults={"index_name": self.new_index_name()}
        )
        return alias.index_name

    def _docs(self, index: str | None = None) -> QuerySet[SearchDocument]:
        return SearchDocument.objects.filter(index_name=index or self.ensure_index())

    def indices(self) -> dict[str, int]:
        counts = (
            SearchDocument.objects.filter(index_name__startswith=f"{self.alias}-")
            .values("index_name")
            .annotate(n=Count("id"))
        )
        found = {row["index_name"]: row["n"] for row in counts}
        current = self._current()
        if current:
            found.setdefault(current, 0)
        return found

    def count(self, index: str | None = None) -> int:
        return self._docs(index).count()

    def refresh(self) -> None:
        """Writes are visible once committed."""

    def drop(self) -> None:
        SearchDocument.objects.filter(index_name__startswith=f"{self.alias}-").delete()
        SearchAlias.objects.filter(name=self.alias).delete()

    # --- writes -------------------------------------------------------------
    def index_documents(
        self, docs: Iterable[dict[str, Any]], *, index: str | None = None
    ) -> BulkResult:
        return self._upsert(docs, index or self.ensure_index(), None)

    def _upsert(
        self, docs: Iterable[dict[str, Any]], index: str, progress: ProgressCallback | None
    ) -> BulkResult:
        result = BulkResult()
        iterator = iter(docs)
        while chunk := [_row(index, doc) for doc in itertools.islice(iterator, BULK_CHUNK)]:
            # Keep the newest version of each id within the chunk: one
            # statement may not touch the same row twice.
            newest: dict[int, dict[str, Any]] = {}
            for row in chunk:
                kept = newest.get(row["doc_id"])
                if kept is None or row["version"] > kept["version"]:
                    newest[row["doc_id"]] = row
            written = self._upsert_chunk(list(newest.values()))
            result.ok += len(written)
            result.conflicts += len(chunk) - len(written)
            if progress is not None:
                progress(len(chunk))
        return result

    def _upsert_chunk(self, rows: list[dict[str, Any]]) -> set[int]:
        """INSERT … ON CONFLICT DO UPDATE only where the stored version is
        older: the external-version rule, atomic per row. Returns the ids
        actually written."""
        cols = list(rows[0])
        casts = {"tsv": "::tsvector", "body": "::jsonb"} if self.postgres else {}
        placeholders = "(" + ", ".join(f"%s{casts.get(c, '')}" for c in cols) + ")"
        updates = ", ".join(
            f"{c} = EXCLUDED.{c}" for c in cols if c not in ("index_name", "doc_id")
        )
        sql = (
            f"INSERT INTO {TABLE} ({', '.join(cols)}) VALUES "
            + ", ".join([placeholders] * len(rows))
            + f" ON CONFLICT (index_name, doc_id) DO UPDATE SET {updates}"
            + f" WHERE {TABLE}.version < EXCLUDED.version RETURNING doc_id"
        )
        params = [row[c] for row in rows for c in cols]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {int(r[0]) for r in cursor.fetchall()}

    def delete_documents(self, items: Iterable[tuple[int, int]]) -> BulkResult:
        result = BulkResult()
        index = self.ensure_index()
        for pk, version in items:
            deleted, _ = SearchDocument.objects.filter(
                index_name=index, doc_id=pk, version__lt=version
            ).delete()
            if deleted or not SearchDocument.objects.filter(index_name=index, doc_id=pk).exists():
                result.ok += 1
            else:
                result.conflicts += 1
        return result

    def _write_to_new_index(
        self, docs: Iterable[dict[str, Any]], progress: ProgressCallback | None
    ) -> tuple[str, BulkResult]:
        name = self.new_index_name()
        return name, self._upsert(docs, name, progress)

    def _swap_alias(self, index: str) -> None:
        with transaction.atomic():
            SearchAlias.objects.update_or_create(name=self.alias, defaults={"index_name": index})
            SearchDocument.objects.filter(index_name__startswith=f"{self.alias}-").exclude(
                index_name=index
            ).delete()

    def versions(self, ids: Iterable[int]) -> dict[int, int]:
        return dict(self._docs().filter(doc_id__in=list(ids)).values_list("doc_id", "version"))

    # --- reads --------------------------------------------------------------
    def _filter_q(self, name: str, values: tuple[str, ...]) -> Q:
        if name == "region":
            return (
                Q(region_province__in=values)
                | Q(region_city__in=values)
                | Q(region_county__in=values)
            )
        if name == "category":
            q = Q()
            for code in values:
                q |= Q(category_path__contains=f"/{code}/")
            return q
        column = {"brand": "brand_key", "seller": "seller_key"}.get(name, name)
        return Q(**{f"{column}__in": values})

    def _read_docs(self) -> QuerySet[SearchDocument]:
        if not self.read_types:
            return self._docs()
        others = SearchAlias.objects.filter(name__in=self.read_aliases[1:]).values_list(
            "index_name", flat=True
        )
        return SearchDocument.objects.filter(index_name__in=[self.ensure_index(), *others])

    def _base(self, query: SearchQuery) -> QuerySet[SearchDocument]:
        qs = self._read_docs()
        if query.received_from:
            qs = qs.filter(received_ms__gte=local_day_start_ms(query.received_from))
        if query.received_to:
            qs = qs.filter(
                received_ms__lt=local_day_start_ms(query.received_to + dt.timedelta(days=1))
            )
        if query.counterfeit is not None:
            qs = qs.filter(counterfeit=query.counterfeit)
        if query.scope_region:
            qs = qs.filter(self._filter_q("region", (query.scope_region,)))
        if query_terms(query.text):
            if self.postgres:
                qs = qs.annotate(
                    matched=RawSQL(
                        "tsv @@ %s::tsquery", [tsquery_literal(query.text)], BooleanField()
                    )
                ).filter(matched=True)
            else:
                for term in query_terms(query.text):
                    qs = qs.annotate(
                        matched=RawSQL(
                            "(' ' || tokens || ' ') LIKE %s", [like_pattern(term)], BooleanField()
                        )
                    ).filter(matched=True)
        return qs

    def _filtered(self, query: SearchQuery, *, skip: str | None = None) -> QuerySet[SearchDocument]:
        qs = self._base(query)
        for name, values in query.filters().items():
            if name != skip:
                qs = qs.filter(self._filter_q(name, values))
        return qs

    def search(self, query: SearchQuery) -> SearchPage:
        qs = self._filtered(query)
        total = qs.count()
        page = qs.order_by("-received_ms", "-doc_id")
        if query.search_after:
            cursor = Cursor.decode(query.search_after)
            page = page.filter(
                Q(received_ms__lt=cursor.received_ms)
                | Q(received_ms=cursor.received_ms, doc_id__lt=cursor.id)
            )
        rows = list(page.values("doc_id", "body", "received_ms")[: query.size + 1])
        more = len(rows) > query.size
        rows = rows[: query.size]
        hits = []
        for row in rows:
            body = row["body"] if isinstance(row["body"], dict) else json.loads(row["body"])
            fragments = highlight(body.get("text") or "", query.text) if query.highlight else []
            hits.append(
                Hit(
                    id=row["doc_id"],
                    source=body,
                    highlight={"text": fragments} if fragments else {},
                )
            )
        facets: dict[str, list[FacetBucket]] = {}
        if query.facets:
            for facet, field in FACET_FIELDS.items():
                facets[facet] = self._count_by(self._filtered(query, skip=facet), field, FACET_SIZE)
        next_cursor = (
            Cursor(rows[-1]["received_ms"], rows[-1]["doc_id"]).encode() if more and rows else None
        )
        return SearchPage(total=total, hits=hits, facets=facets, next_cursor=next_cursor)

    def _key_order(self, field: str) -> Any:
        """Ties break by key in code-point order, as the other engines sort
        keyword terms (by their UTF-8 bytes) whatever the database collation."""
        return Collate(F(field), "C").asc() if self.postgres else F(field).asc()

    def _count_by(self, qs: QuerySet[SearchDocument], field: str, size: int) -> list[FacetBucket]:
        if field in LIST_FIELDS:
            return self._count_list(qs, field, size)
        rows = (
            qs.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(n=Count("id"))
            .order_by("-n", self._key_order(field))[:size]
        )
        return [FacetBucket(str(row[field]), int(row["n"])) for row in rows]

    def _count_list(self, qs: QuerySet[SearchDocument], field: str, size: int) -> list[FacetBucket]:
        """Counts of the values of a list field (words, region codes, ...)."""
        if self.postgres:
            inner, params = qs.values("id").query.sql_with_params()
            sql = (
                f"SELECT value, COUNT(*) AS n FROM {TABLE} AS d "
                "CROSS JOIN LATERAL jsonb_array_elements_text(d.body -> %s) AS value "
                f"WHERE d.id IN ({inner}) "
                'GROUP BY value ORDER BY n DESC, value COLLATE "C" ASC LIMIT %s'
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [field, *params, size])
                return [FacetBucket(str(key), int(n)) for key, n in cursor.fetchall()]
        counter: Counter[str] = Counter()
        for body in qs.values_list("body", flat=True).iterator(chunk_size=2000):
            doc = body if isinstance(body, dict) else json.loads(body)
            counter.update(str(v) for v in doc.get(field) or [])
        ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:size]
        return [FacetBucket(k, n) for k, n in ranked]

    def terms(self, field: str, query: SearchQuery, size: int = 50) -> list[FacetBucket]:
        return self._count_by(self._filtered(query), field, size)

    def aggregate_cells(self, spec: CellSpec) -> list[CellBucket]:
        """GROUP BY the cell column; distinct counts are exact COUNT(DISTINCT)."""
        field = spec.field
        qs = self._filtered(spec.query).exclude(**{f"{field}__isnull": True})
        annotations: dict[str, Any] = {"n": Count("id"), "w": Sum("weight")}
        for name in spec.distinct:
            annotations[f"d_{name}"] = Count(name, distinct=True)
        rows = list(
            qs.values(field)
            .annotate(**annotations)
            .order_by("-n", self._key_order(field))[: spec.size]
        )
        weeks: dict[str, dict[str, int]] = {}
        if spec.weeks and rows:
            keys = [row[field] for row in rows]
            for row in (
                qs.filter(**{f"{field}__in": keys}).values(field, "week").annotate(n=Count("id"))
            ):
                weeks.setdefault(row[field], {})[row["week"]] = row["n"]
        return [
            CellBucket(
                key=row[field],
                count=row["n"],
                weight=round(float(row["w"] or 0.0), 6),
                distinct={name: row[f"d_{name}"] for name in spec.distinct},
                weeks=dict(sorted(weeks.get(row[field], {}).items())),
            )
            for row in rows
        ]
