"""Extraction benchmark: the extractor alone over generated documents, on one core.

    python bench/extract.py --docs 20000            # dense: every document on topic
    python bench/extract.py --docs 20000 --mixed    # a stream: 5% on topic, 95% off topic

Prints MB/s of text, documents/s, deployments found, how many documents left at the first
stage (the signal gate), and peak RSS.
Targets per core: dense >= 0.8 MB/s, mixed >= 20 MB/s, peak RSS <= 500 MB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import generate, generate_mixed  # noqa: E402
from custodes.extract.doc import Doc  # noqa: E402
from custodes.extract.extractor import build_pipeline  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--bytes", type=int, default=3000, help="approximate text size per document")
    parser.add_argument("--mixed", action="store_true", help="5%% on-topic, 95%% off-topic documents")
    args = parser.parse_args()
    docs = generate_mixed(args.docs, args.bytes) if args.mixed else list(generate(args.docs, args.bytes))
    texts = [doc["text"] for doc in docs]
    text_bytes = sum(len(t.encode("utf-8")) for t in texts)
    pipeline = build_pipeline()
    pipeline(Doc(texts[0]))  # load vocabularies and the model before the clock starts
    found = gated = 0
    start = time.perf_counter()
    for text in texts:
        doc = pipeline(Doc(text))
        found += len(doc.layers.get("deployments", ()))
        gated += doc.halted_by == "signal"
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kind = "mixed (5% on topic)" if args.mixed else "dense"
    print(f"{kind}: {len(texts)} documents, {text_bytes / 1e6:.1f} MB of text, {found} deployments found, "
          f"{gated} left at the signal gate")
    print(f"throughput: {text_bytes / 1e6 / elapsed:.2f} MB/s, {len(texts) / elapsed:.0f} docs/s "
          f"({elapsed:.1f} s)")
    print(f"peak RSS: {peak:.0f} MB (includes the generated corpus held in memory)")


if __name__ == "__main__":
    main()
