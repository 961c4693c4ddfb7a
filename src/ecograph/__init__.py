"""Ecosystem Graph: publish a knowledge graph of innovation ecosystems as linked open data."""

__version__ = "0.1.0"
