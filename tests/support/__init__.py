"""Shared fakes and helpers: the fake GitHub server, whole-gate runs, paths."""
