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


# Full-width letters and digits (Ａ１) fold to half-width when matching; one
# character to one, so a match's position in the folded text is its position in
# the original, whose full-width punctuation is what we display.
FULLWIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def _query_pattern(query):
    terms = sorted(set(query_terms(query)), key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def _marked(text, pattern, start, end):
    """``text[start:end]`` escaped, with the matches of ``pattern`` in <mark>."""
    pieces = []
    cursor = start
    if pattern is not None:
        for match in pattern.finditer(text.translate(FULLWIDTH_FOLD), start, end):
            pieces.append(escape(text[cursor : match.start()]))
            pieces.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
            cursor = match.end()
    pieces.append(escape(text[cursor:end]))
    return "".join(pieces)


def highlighted(text, query):
    """All of ``text``, escaped, matches of the query's words wrapped in <mark>."""
    text = text or ""
    return mark_safe(_marked(text, _query_pattern(query), 0, len(text)))


def highlighted_snippet(text, query):
    """An excerpt of ``text`` around the first match, matches wrapped in <mark>."""
    text = " ".join((text or "").split())
    pattern = _query_pattern(query)
    first = pattern.search(text.translate(FULLWIDTH_FOLD)) if pattern else None
    start = max(first.start() - SNIPPET_CHARS // 3, 0) if first else 0
    end = min(start + SNIPPET_CHARS, len(text))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + _marked(text, pattern, start, end) + suffix)


def result_snippet(page, query):
    """The snippet under a result's title: its text without the title it repeats."""
    get_text = getattr(page, "get_search_text", None)
    text = get_text() if get_text else page.search_description
    return highlighted_snippet(text.removeprefix(page.title), query)
