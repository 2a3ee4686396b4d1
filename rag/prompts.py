"""Prompts are files in prompts/, rendered with every variable given and none missing."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rag.errors import RagError

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
_VAR = re.compile(r"\{([a-z_]+)\}")
NOT_FOUND = "Maaf, jawaban untuk pertanyaan itu tidak saya temukan di sumber yang tersedia."


class PromptError(RagError):
    pass


@lru_cache(maxsize=16)
def load_prompt(name: str) -> str:
    path = PROMPTS_DIR / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        raise PromptError(f"Templat prompt {path} tidak ditemukan.") from None


def variables(template: str) -> set[str]:
    return set(_VAR.findall(template))


def render_prompt(name: str, **values: str) -> str:
    """Fill `{var}` placeholders; a missing or unexpected variable is an error, never an empty string."""
    template = load_prompt(name)
    need = variables(template)
    missing = need - set(values)
    extra = set(values) - need
    if missing or extra:
        raise PromptError(f"Prompt '{name}': variabel hilang {sorted(missing)}, variabel tak dikenal {sorted(extra)}")
    return _VAR.sub(lambda m: str(values[m.group(1)]), template)


def check_prompts() -> None:
    """Called at start-up: every template exists and declares the variables the code fills."""
    expected = {
        "answer_system": {"not_found"},
        "answer_user": {"passages", "history", "question"},
        "condense": {"history", "question", "hint"},
    }
    for name, want in expected.items():
        have = variables(load_prompt(name))
        if have != want:
            raise PromptError(f"Prompt '{name}' memakai {sorted(have)}, diharapkan {sorted(want)}")


def format_passages(chunks) -> str:
    """Passages delimited and labelled [n] with title and locator."""
    blocks = []
    for n, c in enumerate(chunks, 1):
        blocks.append(f"[{n}] {c.title} — {c.locator}\n<<<\n{c.text.strip()}\n>>>")
    return "\n\n".join(blocks)


def format_history(history: list[str]) -> str:
    return "\n".join(f"- {h}" for h in history[-4:]) if history else "(tidak ada)"
