"""Performance benchmarks (python -m bench). Ratios against a baseline in the same run, medians over repeats."""
