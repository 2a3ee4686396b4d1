"""Corpus -> clean -> chunk -> embed -> Chroma. Run with `python -m ingest`."""
