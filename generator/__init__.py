"""Relais: a Git repository of posts, calendars and ambassadors in, a Material portal out."""

__version__ = "0.1.0"
