"""The action a "siapa yang V X" / "cara V X" question asks about must occur with X in the sources."""

from __future__ import annotations

from rag.checks.base import PASS, Case, Check, Evidence


class ActionCheck(Check):
    """`action`: the question asks who does, or how one does, an action (a derived verb) to a thing, and
    the sources never use that verb, or never use it together with the first thing it is done to that
    they know. Verbs that only classify ("disebut", "tergolong") are no action (rag.frame reads the action)."""

    name = "action"

    def __call__(self, frame, case: Case) -> Evidence:
        if frame.action is None:
            return PASS
        verb, named = frame.action
        cooc = case.index.cooccurrence
        if not cooc.known(verb):
            return Evidence(False, f"sumber tidak pernah menyebut '{verb}'")
        for tok in named:
            if cooc.known(tok):
                if not cooc.together(verb, tok):
                    return Evidence(False, f"sumber tidak pernah membahas '{verb}' bersama '{tok}'")
                break
        return PASS
