"""Full-text matching rules shared by the engines.

Elasticsearch and OpenSearch index `text` with the `cjk` analyzer: runs of
Han characters become overlapping bigrams (a lone character stays a
unigram), Latin letters and digits become lowercased words. A query term
matches as a phrase: its tokens at consecutive positions, i.e. the term as a
contiguous piece of text. The database engine tokenises the same way here
and asks PostgreSQL for the same phrase (`'ab' <-> 'bc'`), so that all
engines return the same hits. A query of one Han character finds only texts
where that character stands alone, on every engine: search with two or more.
English stop words are dropped but keep their position, as the analyzer does.
"""

from __future__ import annotations

import html
import re
import unicodedata

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Latin words as the standard tokenizer (UAX #29) cuts them: "_" joins
# anything and sticks to either end, "." "'" ":" join letters, "." "," ";"
# "'" join digits.
_WORD = (
    r"_*[0-9a-z]+(?:_+[0-9a-z]+"
    r"|(?<=[a-z])[.':](?=[a-z])[0-9a-z]+"
    r"|(?<=[0-9])[.,;'](?=[0-9])[0-9a-z]+)*_*"
)
_RUN_RE = re.compile(rf"[{_HAN}]+|{_WORD}")
#: The cjk analyzer's stop words: dropped, but they keep their position.
_STOP_TEXT = (
    "a and are as at be but by for if in into is it no not of on or s such t that the "
    "their then there these they this to was will with www"
)
STOPWORDS = frozenset(_STOP_TEXT.split())
MAX_TERMS = 10


def _token_spans(text: str) -> list[tuple[str, int, int, int]]:
    """(token, position, start, end) with offsets into `text` where NFKC
    keeps its length (else into the text as it is)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) != len(text):
        folded = text.lower()
    out: list[tuple[str, int, int, int]] = []
    pos = 0
    for match in _RUN_RE.finditer(folded):
        run, start = match.group(), match.start()
        if run[0].isascii():
            if run not in STOPWORDS:
                out.append((run, pos, start, match.end()))
            pos += 1
        elif len(run) == 1:
            out.append((run, pos, start, start + 1))
            pos += 1
        else:
            for i in range(len(run) - 1):
                out.append((run[i : i + 2], pos, start + i, start + i + 2))
                pos += 1
    return out


def positioned_tokens(text: str) -> list[tuple[str, int]]:
    """The cjk analyzer's (token, position) pairs of `text`: a run of n Han
    characters gives n-1 bigrams at consecutive positions (one character
    alone stays a unigram), a Latin word takes one position, and a stop
    word takes its position without giving a token."""
    if len(unicodedata.normalize("NFKC", text)) != len(text):
        return _positioned(unicodedata.normalize("NFKC", text))
    return _positioned(text)


def _positioned(text: str) -> list[tuple[str, int]]:
    return [(token, pos) for token, pos, _start, _end in _token_spans(text)]


def tokens(text: str) -> list[str]:
    """The cjk analyzer's tokens of `text`, in position order."""
    return [token for token, _pos in positioned_tokens(text)]


def query_terms(text: str) -> list[str]:
    """The whitespace-separated terms that produce at least one token."""
    return [term for term in text.split()[:MAX_TERMS] if tokens(term)]


def phrase_match(text: str, term: str) -> bool:
    """Whether `term`'s tokens occur in `text` at the same relative
    positions (what match_phrase asks of the other engines)."""
    wanted = positioned_tokens(term)
    if not wanted:
        return False
    at: dict[str, set[int]] = {}
    for token, pos in positioned_tokens(text):
        at.setdefault(token, set()).add(pos)
    first_token, first_pos = wanted[0]
    return any(
        all(start - first_pos + pos in at.get(token, ()) for token, pos in wanted[1:])
        for start in at.get(first_token, ())
    )


def tsvector_literal(text: str) -> str:
    """A PostgreSQL tsvector literal with 1-based positions (max 16383)."""
    positions: dict[str, list[int]] = {}
    for token, pos in positioned_tokens(text):
        if pos >= 16383:
            break
        positions.setdefault(token, []).append(pos + 1)
    return " ".join(f"'{tok}':{','.join(map(str, pos))}" for tok, pos in positions.items())


def tsquery_literal(text: str) -> str:
    """Every term as a phrase, all terms required; '' when nothing to match.
    Gaps left by stop words become `<n>` distances, as match_phrase keeps them."""
    phrases = []
    for term in query_terms(text):
        parts: list[str] = []
        previous: int | None = None
        for token, pos in positioned_tokens(term):
            if previous is not None:
                gap = pos - previous
                parts.append("<->" if gap == 1 else f"<{gap}>")
            parts.append(f"'{token}'")
            previous = pos
        phrases.append(f"({' '.join(parts)})")
    return " & ".join(phrases)


def token_string(text: str) -> str:
    """Tokens in position order, one "~" for each position a stop word holds:
    the database engine matches it with LIKE where PostgreSQL is missing."""
    slots: list[str] = []
    for token, pos in positioned_tokens(text):
        slots.extend("~" * (pos - len(slots)))
        slots.append(token)
    return " ".join(slots)


def like_pattern(term: str) -> str:
    """A LIKE pattern for one term against token_string (a stop-word gap
    matches any one slot only approximately: any run of slots)."""
    inner = token_string(term).strip("~ ")
    return "% " + " ".join("%" if part == "~" else part for part in inner.split()) + " %"


def _phrase_spans(text: str, term: str) -> list[tuple[int, int]]:
    """Character spans of the tokens of every phrase match of `term`."""
    wanted = positioned_tokens(term)
    if not wanted:
        return []
    spans = _token_spans(text)
    at = {(token, pos): (start, end) for token, pos, start, end in spans}
    first_token, first_pos = wanted[0]
    found: list[tuple[int, int]] = []
    for token, pos, _start, _end in spans:
        if token != first_token:
            continue
        hits = [at.get((t, pos - first_pos + p)) for t, p in wanted]
        if all(hit is not None for hit in hits):
            found += [hit for hit in hits if hit is not None]
    return found


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans as one (bigrams overlap by a character)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, query: str, *, fragment_size: int = 80, fragments: int = 3) -> list[str]:
    """HTML-escaped fragments around the matches with <mark> tags, for the
    database engine (the others highlight natively): each matched token is
    marked, stop words inside a phrase are not, as the other engines do."""
    spans = _merge([span for term in query_terms(query) for span in _phrase_spans(text, term)])
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
