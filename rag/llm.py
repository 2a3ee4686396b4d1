"""Generative engines through LangChain chat models: Ollama or any OpenAI-compatible server."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from rag.config import Settings
from rag.errors import LLMUnavailable

log = logging.getLogger(__name__)

ENGINES = ("ollama", "openai", "llamacpp")


def make_chat_model(settings: Settings, engine: str):
    """A LangChain chat model for `engine`; no network traffic until it is called."""
    if engine == "openai":
        from langchain_openai import ChatOpenAI

        # langchain-openai sends the reply limit as `max_completion_tokens`, which OpenAI reads and
        # llama.cpp's server ignores (it then writes until its context is full: 3,600 tokens, 8 minutes, on
        # Gemma 3 270M). A self-hosted server (base URL set) gets the classic `max_tokens` they all read.
        own_server = bool(settings.llm_base_url)
        return ChatOpenAI(
            model=settings.llm_model or "gpt-4o-mini",
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "tidak-perlu",
            timeout=settings.llm_timeout,
            max_retries=0,
            temperature=0,
            max_tokens=None if own_server else settings.llm_max_tokens,
            extra_body={"max_tokens": settings.llm_max_tokens} if own_server else None,
        )
    if engine == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=settings.llm_model or "qwen2.5:7b-instruct",
            base_url=settings.llm_base_url or "http://127.0.0.1:11434",
            temperature=0,
            num_predict=settings.llm_max_tokens,
            client_kwargs={"timeout": settings.llm_timeout},
        )
    if engine == "llamacpp":
        # Optional: a local GGUF file through llama-cpp-python (requirements-llamacpp.txt; compiles 5-10 min).
        try:
            import llama_cpp  # noqa: F401
            from langchain_community.chat_models import ChatLlamaCpp
        except ImportError:
            raise LLMUnavailable("llama-cpp-python belum dipasang: pip install -r requirements-llamacpp.txt") from None
        if not settings.llm_model:
            raise LLMUnavailable("TANYA_LLM_MODEL harus berisi path berkas GGUF")
        return ChatLlamaCpp(
            model_path=settings.llm_model,
            temperature=0,
            n_threads=settings.embed_threads,
            n_ctx=4096,
            max_tokens=settings.llm_max_tokens,
            verbose=False,
        )
    raise LLMUnavailable(f"mesin '{engine}' tidak dikenal")


def stream_chat(model, system: str, user: str, max_deltas: int | None = None) -> Iterator[str]:
    """Yield text deltas; any transport or server error becomes LLMUnavailable.

    `max_deltas` stops reading after that many deltas (each holds at least one token): a backstop for a
    server that ignores the reply limit it was sent.
    """
    from langchain_core.messages import HumanMessage, SystemMessage

    stream = model.stream([SystemMessage(content=system), HumanMessage(content=user)])
    try:
        n = 0
        for chunk in stream:
            text = chunk.content if isinstance(chunk.content, str) else ""
            if text:
                yield text
                n += 1
                if max_deltas is not None and n >= max_deltas:
                    log.warning("LLM reply cut after %d deltas: the server ignored the reply limit", n)
                    return
    except LLMUnavailable:
        raise
    except Exception as err:  # openai/httpx/ollama raise many types; all mean "the server failed us"
        log.warning("LLM call failed: %s: %s", err.__class__.__name__, err)
        raise LLMUnavailable(err.__class__.__name__) from None
    finally:
        stream.close()  # a reply cut short hangs up on the server


def complete(model, system: str, user: str) -> str:
    return "".join(stream_chat(model, system, user))
