"""Chinese site search on Wagtail's database backend (SQLite FTS5 and PostgreSQL).

Both backends index a run of Han characters as a single word. We index the
bigrams of every Han run (see ``BigramSearchMixin``) and turn the query into
bigrams too, matched with AND, so any Chinese word of two or more characters
is found wherever it stands in the text. Non-Han words (numbers, Latin) are
kept whole.
"""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN}]+")
WORD = re.compile(f"[{HAN}]+|[0-9A-Za-z]+")
SNIPPET_CHARS = 120


def normalise(text):
    """Full-width letters and digits to half-width, as users type either."""
    return unicodedata.normalize("NFKC", text or "")


def han_bigrams(text):
    """The search tokens of ``text``: Han bigrams plus whole non-Han words."""
    tokens = []
    for match in WORD.finditer(normalise(text)):
        word = match.group()
        if HAN_RUN.fullmatch(word):
            if len(word) == 1:
                tokens.append(word)
            else:
                tokens.extend(word[i : i + 2] for i in range(len(word) - 1))
        else:
            tokens.append(word.lower())
    return " ".join(tokens)


def query_terms(query):
    """The words a user typed, as they should be highlighted."""
    return [match.group() for match in WORD.finditer(normalise(query))]


def search_pages(queryset, query):
    """Pages of ``queryset`` matching every word of ``query``, best first."""
    tokens = han_bigrams(query)
    if not tokens:
        return queryset.none()
    # No field restriction: the bigrams are indexed on each page type, and the
    # base Page model that the site-wide search runs on does not declare them.
    return queryset.search(tokens, operator="and")


def highlighted_snippet(text, query):
    """An excerpt of ``text`` around the first match, matches wrapped in <mark>."""
    text = " ".join(normalise(text).split())
    terms = sorted(set(query_terms(query)), key=len, reverse=True)
    positions = [text.find(term) for term in terms if term in text]
    start = max(min(positions) - SNIPPET_CHARS // 3, 0) if positions else 0
    excerpt = text[start : start + SNIPPET_CHARS]
    if not terms:
        return escape(excerpt)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    pieces = []
    cursor = 0
    for match in pattern.finditer(excerpt):
        pieces.append(escape(excerpt[cursor : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        cursor = match.end()
    pieces.append(escape(excerpt[cursor:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)
