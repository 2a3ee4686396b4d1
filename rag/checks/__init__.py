"""The answer gate's checks: each a small class that catches one kind of question the sources cannot answer.

rag/checks/gate.py runs them in order on the question's frame (rag.frame) and what the sources offer
(base.Case); the first that refuses gives the reason to abstain. Every check has a `name` that
Settings.gate_without (TANYA_GATE_WITHOUT) and `python -m eval answers --without NAME` switch off; its
words live in rag/resources/gate_*.tsv. This package is imported lazily by its modules' users; the
package itself loads nothing.
"""
