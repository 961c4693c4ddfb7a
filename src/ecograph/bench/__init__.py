"""Scale tooling: a synthetic corpus generator and the benchmark behind `ecograph bench` (see BENCHMARKS.md)."""

from .synthetic import CorpusSummary, generate_corpus

__all__ = ["CorpusSummary", "generate_corpus"]
