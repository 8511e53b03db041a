"""Generated benchmark corpora, built from the bundled sample articles with varied entities.

Sentences of the sample articles are shuffled across documents and their country names,
years and amounts replaced, so every generated document is distinct but reads like the corpus.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pycountry

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_AMOUNT = re.compile(r"\$\d[\d,.]*")


def sample_sentences() -> list[str]:
    path = resources.files("custodes") / "sample" / "articles.jsonl"
    sentences: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            text = json.loads(line)["text"]
            sentences += [s.strip() for s in _SENTENCE.split(text) if len(s.strip()) > 30]
    return sentences


def country_names() -> list[str]:
    return [c.name for c in pycountry.countries if "," not in c.name and "(" not in c.name]


def _vary(sentence: str, rng: random.Random, names: list[str], known: list[str]) -> str:
    for name in known:
        if name in sentence:
            sentence = sentence.replace(name, rng.choice(names))
    sentence = _YEAR.sub(lambda _m: str(rng.randint(2008, 2025)), sentence)
    return _AMOUNT.sub(lambda _m: f"${rng.randint(2, 900)}m", sentence)


def generate(n: int, target_bytes: int = 3000, seed: int = 7) -> Iterator[dict[str, str]]:
    """n documents of about target_bytes of text each, deterministic for a seed."""
    rng = random.Random(seed)
    sentences = sample_sentences()
    names = country_names()
    known = [name for name in names if any(name in s for s in sentences)]
    for i in range(n):
        parts: list[str] = []
        size = 0
        while size < target_bytes:
            sentence = _vary(rng.choice(sentences), rng, names, known)
            parts.append(sentence)
            size += len(sentence) + 1
        title = f"Report {i}: {parts[0][:60]}"
        yield {"id": f"bench-{i}", "title": title, "text": title + "\n\n" + " ".join(parts)}


def write_jsonl(path: Path, n: int, target_bytes: int = 3000) -> int:
    """Write the corpus; returns the number of text bytes written."""
    total = 0
    with path.open("w", encoding="utf-8") as handle:
        for doc in generate(n, target_bytes):
            total += len(doc["text"].encode("utf-8"))
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return total


# Off-topic news: sport, weather, markets, culture. Countries and cities appear, technology never.
_SUBJECTS = ["The national team", "The central bank", "A local bakery", "The orchestra", "Farmers near {city}",
             "The football club of {city}", "Shares in {country}", "The weather service", "Tourism in {country}",
             "The film festival in {city}", "Rice exporters in {country}", "The marathon organisers"]
_VERBS = ["reported", "announced", "celebrated", "postponed", "welcomed", "reviewed", "expected", "recorded"]
_OBJECTS = ["a record harvest", "heavy rain over the weekend", "a two-goal win against {country}",
            "higher prices for wheat", "a new season of concerts", "a surge in visitors from {country}",
            "a quieter trading day", "the best sales figures since {year}", "a draw in the cup final",
            "new flights to {city}", "a late frost in the valleys", "a retrospective of painters from {country}"]
_TAILS = ["", " on Tuesday", " after a long delay", ", officials said", " for the third year running",
          " despite the heat", ", according to organisers"]


def generate_off_topic(n: int, target_bytes: int = 3000, seed: int = 11) -> Iterator[dict[str, str]]:
    """n documents about anything but surveillance technology, deterministic for a seed."""
    rng = random.Random(seed)
    names = country_names()
    cities = ["Lisbon", "Nairobi", "Lima", "Hanoi", "Dakar", "Oslo", "Quito", "Tunis", "Manila", "Accra"]
    for i in range(n):
        parts: list[str] = []
        size = 0
        while size < target_bytes:
            fill = {"country": rng.choice(names), "city": rng.choice(cities), "year": str(rng.randint(1990, 2024))}
            sentence = (f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
                        f"{rng.choice(_TAILS)}.").format(**fill)
            parts.append(sentence)
            size += len(sentence) + 1
        yield {"id": f"off-{i}", "title": f"Brief {i}", "text": f"Brief {i}\n\n" + " ".join(parts)}


def generate_mixed(n: int, target_bytes: int = 3000, on_topic_share: float = 0.05) -> list[dict[str, str]]:
    """A news stream: `on_topic_share` of the documents from generate(), the rest off-topic."""
    on = max(1, round(n * on_topic_share))
    docs = list(generate(on, target_bytes)) + list(generate_off_topic(n - on, target_bytes))
    random.Random(3).shuffle(docs)
    return docs
