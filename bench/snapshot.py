"""Everything the extractor decides, written as one JSON line per document, to compare two versions.

    python bench/snapshot.py out.jsonl            # bundled sample, blind set, 300 generated documents
    python bench/snapshot.py out.jsonl --shared   # and ../shared/eval train, dev and multilingual dev
    diff <(python bench/snapshot.py /dev/stdout) before.jsonl

A change that should not alter behaviour (vocabulary moved into data, a faster scorer) must
leave the file byte-identical: records, their evidence and confidence, and every candidate's
features.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import generate  # noqa: E402
from custodes.extract.doc import Doc  # noqa: E402
from custodes.extract.extractor import build_pipeline  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _documents(shared: bool) -> Iterator[tuple[str, str, str]]:
    paths = [ROOT / "src/custodes/sample/articles.jsonl", ROOT / "tests/fixtures/eval/blind.jsonl"]
    if shared:
        eval_dir = ROOT.parent / "shared" / "eval"
        paths += [eval_dir / "train.jsonl", eval_dir / "dev.jsonl", eval_dir / "dev-multilingual.jsonl"]
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                row = json.loads(line)
                yield f"{path.name}:{n}", row["text"], row.get("lang", "en")
    for row in generate(300, 3000):
        yield row["id"], row["text"], "en"


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--shared", action="store_true", help="add the shared evaluation corpora")
    args = parser.parse_args()
    pipeline = build_pipeline()
    with args.out.open("w", encoding="utf-8") as handle:
        for doc_id, text, _lang in _documents(args.shared):
            doc = pipeline(Doc(text))  # every document is read as English until issue 13
            row = {
                "id": doc_id,
                "halted": doc.halted_by,
                "candidates": [[c.key, c.features] for c in doc.layers.get("candidates", ())],
                "deployments": _plain(doc.layers.get("deployments", [])),
            }
            handle.write(json.dumps(row, sort_keys=True, default=repr) + "\n")


if __name__ == "__main__":
    main()
