"""The bundled sample corpus: articles written by the custodes project about publicly
reported deployments, each with the URLs of its sources, and labelled per the guidelines."""

from pathlib import Path

SAMPLE_DIR = Path(__file__).parent
ARTICLES = SAMPLE_DIR / "articles.jsonl"
