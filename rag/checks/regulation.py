"""A question about a regulation the sources do not hold cannot be answered from another one's text."""

from __future__ import annotations

import re

from rag.checks.base import PASS, Case, Check, Evidence
from rag.text import fold


def _listing(items: list[str], limit: int = 5) -> str:
    """At most `limit` items, then how many more: a reply must stay short however large the index."""
    more = f"; dan {len(items) - limit} lainnya" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more


class RegulationCheck(Check):
    """`regulation`: the question names a regulation the index does not hold, or a Pasal it does not.

    Abstains, naming what is missing, when the question names a numbered regulation the index's catalogue
    does not hold, a kind of regulation it holds none of and its sources never mention, or a Pasal beyond
    the last Pasal of the regulation it names (of every regulation, when it names none). It runs before
    the other checks and its reply lists the regulations that are held. Also switched off by
    Settings.regulation_check."""

    name = "regulation"

    def __call__(self, frame, case: Case) -> Evidence:
        catalogue, parsed = case.index.catalogue, frame.parsed
        mentioned = getattr(case.index, "mentions_phrase", lambda phrase: False)
        missing = list(parsed.missing_laws)
        for kind in catalogue.kinds_named(fold(parsed.original)):
            if not catalogue.holds_kind(kind) and not any(map(mentioned, (kind.full, kind.short))):
                missing.append(f"{kind.full} ({kind.short})")
        if missing:
            names = ", ".join(missing)
            held = _listing([f"{r.name} tentang {r.tentang}" if r.tentang else r.name for r in catalogue])
            listing = f" Peraturan yang ada di sumber: {held}." if held else ""
            reply = f"{names} tidak termasuk dalam dokumen sumber yang tersedia.{listing}"
            return Evidence(False, f"peraturan tidak ada di korpus: {names}", reply)
        for ref in parsed.law_refs:
            named = [catalogue.get(ref.source_id)] if ref.source_id else list(catalogue)
            regs = [r for r in named if r is not None and r.last_pasal]
            if regs and all(int(re.match(r"\d+", ref.pasal).group(0)) > r.last_pasal for r in regs):
                ranges = _listing([f"{r.name} hanya sampai Pasal {r.last_pasal}" for r in regs])
                return Evidence(
                    False, f"Pasal {ref.pasal} di luar jangkauan", f"{ranges}; Pasal {ref.pasal} tidak ada."
                )
        return PASS
