"""Decisions turned into advice: the advisor (citations, kinds, parts) and its text rendering."""
