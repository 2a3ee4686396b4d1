"""Evaluation: question sets, metrics, the retrieval runner, baselines and reports (python -m eval)."""
