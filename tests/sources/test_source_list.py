"""The CSV list of sources to watch: good rows imported, each bad one named by line and field."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from custodes.sources.source_list import SourceRow, parse_interval, read_sources_csv


def write(tmp_path: Path, text: str, name: str = "sources.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "seconds"), [
    ("30m", 1800), ("6h", 21600), ("1d", 86400), ("2w", 1_209_600), ("3600", 3600), ("300s", 300),
    (" 12H ", 43200), ("5m", 300),
])
def test_parse_interval(text: str, seconds: int) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize(("text", "message"), [
    ("4m", "shorter than the minimum of 5 minutes"), ("60", "shorter than the minimum"),
    ("six hours", "not a number"), ("1.5h", "not a number"), ("", "not a number"), ("-1h", "not a number"),
])
def test_parse_interval_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_interval(text)


def test_rows_read_with_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, (
        "name,url,kind,every,lang,note\n"
        "Ledger,https://news.example.org/feed/,feed,6h,en,a note\n"
        ",https://Agency.example.gov/sitemap.xml?utm_source=x,sitemap,1d,,\n"
        "Notice board,https://city.example.org/notices,page,,ES,\n"
    ))
    rows, messages = read_sources_csv(path)
    assert messages == []
    assert rows == [
        SourceRow("Ledger", "https://news.example.org/feed/", "feed", 21600, "en"),
        SourceRow("agency.example.gov/sitemap.xml", "https://agency.example.gov/sitemap.xml", "sitemap", 86400, None),
        SourceRow("Notice board", "https://city.example.org/notices", "page", 21600, "es"),
    ]


def test_only_url_column_is_required(tmp_path: Path) -> None:
    rows, messages = read_sources_csv(write(tmp_path, "url\nhttps://a.example.org/feed\n"))
    assert messages == []
    assert rows == [SourceRow("a.example.org/feed", "https://a.example.org/feed", "feed", 21600, None)]


def test_bad_rows_named_by_line_and_field_and_the_rest_kept(tmp_path: Path) -> None:
    path = write(tmp_path, (
        "name,url,kind,every,lang\n"
        "Good,https://good.example.org/feed,feed,6h,en\n"
        "Ftp,ftp://files.example.org/feed,feed,6h,en\n"
        "Rss,https://rss.example.org/feed,rss,6h,en\n"
        "Fast,https://fast.example.org/feed,feed,1m,en\n"
        "Lang,https://lang.example.org/feed,feed,6h,english\n"
        "Empty,,feed,6h,en\n"
        "\n"
        "Also good,https://also.example.org/feed,sitemap,12h,fr\n"
        "Again,https://good.example.org/feed,feed,6h,en\n"
        "good,https://other.example.org/feed,feed,6h,en\n"
    ))
    rows, messages = read_sources_csv(path)
    label = str(path)
    assert [r.name for r in rows] == ["Good", "Also good"]
    assert messages == [
        f"{label} line 3: url 'ftp://files.example.org/feed' is not an http(s) URL",
        f"{label} line 4: kind 'rss' is not one of feed, sitemap, page",
        f"{label} line 5: every: interval '1m' is shorter than the minimum of 5 minutes",
        f"{label} line 6: lang 'english' is not an ISO 639-1 code (two letters, e.g. en, es, fr)",
        f"{label} line 7: url is empty",
        f"{label} line 10: url 'https://good.example.org/feed' is already listed on line 2",
        f"{label} line 11: name 'good' is already used on line 2",
    ]


def test_unknown_columns_give_one_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "url,priority,owner\nhttps://a.example.org/feed,high,me\n")
    rows, messages = read_sources_csv(path)
    assert len(rows) == 1
    assert messages == [f"{path} line 1: columns not used, ignored: priority, owner"]


def test_missing_url_column_fails_the_whole_file(tmp_path: Path) -> None:
    path = write(tmp_path, "name,link\nLedger,https://news.example.org/feed/\n")
    rows, messages = read_sources_csv(path)
    assert rows == []
    assert messages == [f"{path} line 1: missing required column 'url' "
                        "(columns: name, url, kind, every, lang, note; only url is required)"]


def test_unreadable_files(tmp_path: Path) -> None:
    assert read_sources_csv(tmp_path / "nope.csv") == ([], [f"{tmp_path / 'nope.csv'}: no such file"])
    empty = write(tmp_path, "", "empty.csv")
    assert read_sources_csv(empty)[1][0].startswith(f"{empty}: empty file")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("url,name\nhttps://a.example.org/,Caf\xe9\n".encode("latin-1"))
    assert read_sources_csv(latin)[1][0].startswith(f"{latin}: not UTF-8 text")


def test_excel_bom_and_header_case(tmp_path: Path) -> None:
    path = tmp_path / "sources.csv"
    path.write_bytes("\ufeffName,URL,Kind\r\nLedger,https://news.example.org/feed/,FEED\r\n".encode())
    rows, messages = read_sources_csv(path)
    assert messages == []
    assert rows == [SourceRow("Ledger", "https://news.example.org/feed/", "feed", 21600, None)]


def test_extra_fields_on_a_row(tmp_path: Path) -> None:
    path = write(tmp_path, "name,url\nA,https://a.example.org/feed,surplus\n")
    rows, messages = read_sources_csv(path)
    assert rows == []
    assert messages == [f"{path} line 2: more fields than the header has columns"]


def test_bundled_example_list_parses_cleanly() -> None:
    resource = resources.files("custodes.data").joinpath("watch/example_sources.csv")
    rows, messages = read_sources_csv(Path(str(resource)))
    assert messages == []
    assert len(rows) >= 20
    assert all(r.url.startswith("https://") for r in rows)
    assert all(r.lang for r in rows)
    assert {r.lang for r in rows} >= {"en", "es", "fr", "pt"}
    assert len({r.url for r in rows}) == len(rows)


def test_bundled_example_list_is_names_and_urls_only() -> None:
    text = resources.files("custodes.data").joinpath("watch/example_sources.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0]
    assert header == "name,url,kind,every,lang,note"
    assert all(len(line) < 200 for line in text.splitlines())  # one-line notes, no copied content
