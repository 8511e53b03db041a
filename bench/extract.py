"""Extraction benchmark: the extractor alone over generated documents, on one core.

    python bench/extract.py --docs 20000

Prints MB/s of text, documents/s, deployments found and peak RSS.
Targets: >= 1 MB/s of text per core, peak RSS <= 500 MB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import generate  # noqa: E402
from custodes.extract import extract  # noqa: E402
from custodes.resolve.countries import Gazetteer  # noqa: E402
from custodes.resolve.vendors import VendorRegistry  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--bytes", type=int, default=3000, help="approximate text size per document")
    args = parser.parse_args()
    texts = [doc["text"] for doc in generate(args.docs, args.bytes)]
    text_bytes = sum(len(t.encode("utf-8")) for t in texts)
    Gazetteer.default()
    VendorRegistry.default()
    extract(texts[0])  # load vocabularies before the clock starts
    found = 0
    start = time.perf_counter()
    for text in texts:
        found += len(extract(text))
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents: {len(texts)}, {text_bytes / 1e6:.1f} MB of text, {found} deployments found")
    print(f"throughput: {text_bytes / 1e6 / elapsed:.2f} MB/s, {len(texts) / elapsed:.0f} docs/s "
          f"({elapsed:.1f} s)")
    print(f"peak RSS: {peak:.0f} MB (includes the generated corpus held in memory)")


if __name__ == "__main__":
    main()
