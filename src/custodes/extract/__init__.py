"""Extraction of evidence-backed surveillance deployment records from news text."""

from custodes.extract.extractor import EXTRACTOR_VERSION, extract
from custodes.extract.model import Deployment, Evidence, Financing

__all__ = ["EXTRACTOR_VERSION", "Deployment", "Evidence", "Financing", "extract"]
