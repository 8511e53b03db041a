"""Full-text search, one interface over both backends: SQLite's FTS5 tables (`claims_fts`,
`documents_fts`) and PostgreSQL's tsvector GIN indexes (migrations 0002 and 0003).

A query is the user's words, all required, never read as query syntax. Callers write the rest
of their SELECT with the pieces of a `FullText`: the FROM clause that yields `c` (claims) or
`d` (documents), the condition, the ranking and the snippet, each taking `:q`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

# the expressions the GIN indexes are built on: a query must repeat them to use the index
CLAIMS_TSVECTOR = "to_tsvector('simple', c.evidence_text)"
DOCUMENTS_TSVECTOR = "to_tsvector('simple', coalesce(d.title, '') || ' ' || d.text)"
_TSQUERY = "plainto_tsquery('simple', :q)"


@dataclass(frozen=True)
class FullText:
    source: str  # FROM clause
    condition: str
    order: str
    _snippet: str  # format string: {open}, {close}, {words}
    postgres: bool

    def snippet(self, open_sql: str, close_sql: str, words: int) -> str:
        """SQL for an excerpt around the matched words, wrapped in the given SQL string expressions."""
        return self._snippet.format(open=open_sql, close=close_sql, words=words, half=max(1, words // 2))

    def param(self, user_text: str) -> str:
        """The bound value of `:q` for these words."""
        return user_text if self.postgres else fts_query(user_text)


def fts_query(user_text: str) -> str:
    """Quote each word so that user input is never read as FTS5 syntax."""
    words = [w.replace('"', '""') for w in user_text.split()]
    return " ".join(f'"{w}"' for w in words) or '""'


def _headline(document: str) -> str:
    return ("ts_headline('simple', " + document + ", " + _TSQUERY + ", "
            "'StartSel=\"' || {open} || '\", StopSel=\"' || {close} || '\", "
            "MaxWords={words}, MinWords={half}, FragmentDelimiter=\" … \", MaxFragments=1')")


def claims_fulltext(conn: Connection) -> FullText:
    """Search over claims' evidence sentences (`c`)."""
    if conn.dialect.name == "postgresql":
        return FullText("claims c", f"{CLAIMS_TSVECTOR} @@ {_TSQUERY}",
                        f"ts_rank({CLAIMS_TSVECTOR}, {_TSQUERY}) DESC, c.pk",
                        _headline("c.evidence_text"), True)
    return FullText("claims_fts JOIN claims c ON c.pk = claims_fts.rowid", "claims_fts MATCH :q", "rank",
                    "snippet(claims_fts, 0, {open}, {close}, ' … ', {words})", False)


def documents_fulltext(conn: Connection) -> FullText:
    """Search over documents' title and text (`d`); the snippet is from the text."""
    if conn.dialect.name == "postgresql":
        return FullText("documents d", f"{DOCUMENTS_TSVECTOR} @@ {_TSQUERY}",
                        f"ts_rank({DOCUMENTS_TSVECTOR}, {_TSQUERY}) DESC, d.pk",
                        _headline("d.text"), True)
    return FullText("documents_fts JOIN documents d ON d.pk = documents_fts.rowid", "documents_fts MATCH :q",
                    "rank", "snippet(documents_fts, 1, {open}, {close}, ' … ', {words})", False)
