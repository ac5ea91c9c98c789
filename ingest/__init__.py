"""Ingest: corpus files -> clean text with pages and sections -> chunks -> index."""
