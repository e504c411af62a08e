"""Full-text matching rules shared by the engines.

Elasticsearch and OpenSearch index `text` with the `cjk` analyzer: runs of
Han characters become overlapping bigrams (a lone character stays a
unigram), Latin letters and digits become lowercased words. A query term
matches as a phrase: its tokens at consecutive positions, i.e. the term as a
contiguous piece of text. The database engine tokenises the same way here
and asks PostgreSQL for the same phrase (`'ab' <-> 'bc'`), so that all
engines return the same hits. A query of one Han character finds only texts
where that character stands alone, on every engine: search with two or more.
"""

from __future__ import annotations

import html
import re
import unicodedata

_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
MAX_TERMS = 10


def tokens(text: str) -> list[str]:
    """The cjk analyzer's tokens of `text`, in position order."""
    out: list[str] = []
    for run in _RUN_RE.findall(unicodedata.normalize("NFKC", text).lower()):
        if run[0].isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def query_terms(text: str) -> list[str]:
    """The whitespace-separated terms that produce at least one token."""
    return [term for term in text.split()[:MAX_TERMS] if tokens(term)]


def tsvector_literal(text: str) -> str:
    """A PostgreSQL tsvector literal with 1-based positions (max 16383)."""
    positions: dict[str, list[int]] = {}
    for pos, token in enumerate(tokens(text)[:16383], start=1):
        positions.setdefault(token, []).append(pos)
    return " ".join(f"'{tok}':{','.join(map(str, pos))}" for tok, pos in positions.items())


def tsquery_literal(text: str) -> str:
    """Every term as a phrase, all terms required; '' when nothing to match."""
    phrases = []
    for term in query_terms(text):
        phrase = " <-> ".join(f"'{tok}'" for tok in tokens(term))
        phrases.append(f"({phrase})")
    return " & ".join(phrases)


def highlight(text: str, query: str, *, fragment_size: int = 80, fragments: int = 3) -> list[str]:
    """HTML-escaped fragments around the matches with <mark> tags, for the
    database engine (the others highlight natively)."""
    terms = query_terms(query)
    if not terms:
        return []
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) != len(text):
        folded = text.lower()
    spans: list[tuple[int, int]] = []
    for term in terms:
        needle = unicodedata.normalize("NFKC", term).lower()
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + len(needle))
    if not spans:
        return []
    spans.sort()
    out: list[str] = []
    used_until = -1
    for start, _end in spans:
        if start < used_until or len(out) >= fragments:
            continue
        lo = max(0, start - fragment_size // 4)
        hi = min(len(text), lo + fragment_size)
        marked = []
        cursor = lo
        for s, e in spans:
            if s >= cursor and e <= hi:
                marked.append(html.escape(text[cursor:s]))
                marked.append(f"<mark>{html.escape(text[s:e])}</mark>")
                cursor = e
        marked.append(html.escape(text[cursor:hi]))
        out.append("".join(marked))
        used_until = hi
    return out
