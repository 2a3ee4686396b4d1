"""The answer path on questions nobody here wrote: TyDiQA-id dev and IDK-MRC valid, each over its own index.

`python -m eval answers-external` writes one document per paragraph under data/external/<name>/corpus,
ingests it once into data/external/<name>/index (later runs reuse it), answers every question with the
extractive engine and prints false abstention, gold answer in a cited passage, gold answer in the answer
text, abstention on unanswerable questions and p50 latency. TyDiQA-id dev questions are also asked of the
project's own corpus, where none is answerable: the share abstained.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import statistics
from pathlib import Path

from rag.checks.gate import CHECK_NAMES, FAMILIES
from rag.config import Settings

DATA = Path("../shared/data")
OUT = Path("data/external")
LATENCY_SAMPLE = 100
"""Questions per set timed with the plain answer path (model off, then on)."""
OTHER_TYDIQA = 1000
"""TyDiQA-id paragraphs added beside the dev questions' gold paragraphs (distractors)."""


@dataclasses.dataclass(frozen=True)
class ExtQuestion:
    id: str
    question: str
    answers: tuple[str, ...]
    """Gold answer strings; empty for an unanswerable question."""
    gold_ids: tuple[str, ...] = ()
    """Paragraph ids that hold the answer (or, when unanswerable, the paragraph it was written on)."""

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def tydiqa_dev(data: Path = DATA) -> tuple[dict[str, str], list[ExtQuestion]]:
    """Paragraphs (gold of the dev questions + OTHER_TYDIQA others, fixed seed) and the dev questions."""
    root = data / "tydiqa-id"
    corpus = {p["_id"]: p["text"] for p in _jsonl(root / "corpus.jsonl")}
    rel: dict[str, set[str]] = {}
    for line in (root / "qrels_dev.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[2].strip().isdigit() and int(parts[2]) > 0:
            rel.setdefault(parts[0], set()).add(parts[1])
    questions = [
        ExtQuestion(q["_id"], q["text"], tuple(q["answers"]), tuple(sorted(rel[q["_id"]])))
        for q in _jsonl(root / "queries_dev.jsonl")
        if q["_id"] in rel
    ]
    gold = {pid for q in questions for pid in q.gold_ids}
    others = sorted(set(corpus) - gold)
    random.Random(17).shuffle(others)
    keep = sorted(gold | set(others[:OTHER_TYDIQA]))
    return {pid: corpus[pid] for pid in keep}, questions


def idk_mrc(split: str = "valid", data: Path = DATA) -> tuple[dict[str, str], list[ExtQuestion]]:
    """IDK-MRC paragraphs (ids idk-<split>-NNNN) and their questions, answerable or not."""
    rows = json.loads((data / "idk-mrc" / f"{split}.json").read_text(encoding="utf-8"))
    paras, questions = {}, []
    for i, row in enumerate(rows):
        pid = f"idk-{split}-{i:04d}"
        paras[pid] = row["context"]
        for qa in row["qas"]:
            answers = () if qa["is_impossible"] else tuple(a["text"] for a in qa["answers"])
            questions.append(ExtQuestion(qa["id"], qa["question"], answers, (pid,)))
    return paras, questions


TRAIN_PARAGRAPHS = 400
"""IDK-MRC train paragraphs (fixed seed) in the bounded train set whose rows the verdict stage can be fitted on."""


def idk_mrc_sample(split: str = "train", n: int = TRAIN_PARAGRAPHS, data: Path = DATA):
    """`n` IDK-MRC paragraphs of `split` drawn with a fixed seed, and their questions (a bounded index)."""
    paras, questions = idk_mrc(split, data)
    keep = sorted(paras)
    random.Random(17).shuffle(keep)
    chosen = set(keep[:n])
    return {p: paras[p] for p in sorted(chosen)}, [q for q in questions if q.gold_ids[0] in chosen]


def write_corpus(paras: dict[str, str], folder: Path) -> None:
    """One Markdown document per paragraph; files already holding the same text are left alone."""
    folder.mkdir(parents=True, exist_ok=True)
    for pid, text in paras.items():
        body = f"---\nid: {pid}\ntitle: {pid}\nkind: article\nlanguage: id\n---\n\n{text.strip()}\n"
        path = folder / f"{pid}.md"
        if not path.exists() or path.read_text(encoding="utf-8") != body:
            path.write_text(body, encoding="utf-8")


def external_settings(base: Settings, name: str) -> Settings:
    return dataclasses.replace(
        base, corpus_dir=OUT / name / "corpus", index_dir=OUT / name / "index", collection=f"ext_{name}"
    )


SETS = {"tydiqa-dev": tydiqa_dev, "idk-mrc-valid": lambda: idk_mrc("valid"), "idk-mrc-train": idk_mrc_sample}
"""idk-mrc-train is built only when asked for by name (`--only idk-mrc-train`, `fit-verdict --train`)."""


def prepare(
    base: Settings, show_progress: bool = True, only: set[str] | None = None
) -> dict[str, tuple[Settings, list[ExtQuestion]]]:
    """Write the corpora and ingest them (a no-op when the index is current)."""
    from ingest.pipeline import run_ingest

    out = {}
    for name, load in SETS.items():
        if (only is None and name == "idk-mrc-train") or (only is not None and name not in only):
            continue
        paras, questions = load()
        settings = external_settings(base, name)
        write_corpus(paras, settings.corpus_dir)
        run_ingest(settings, show_progress=show_progress)
        out[name] = (settings, questions)
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def contains_answer(text: str, answers: tuple[str, ...]) -> bool:
    norm = _norm(text)
    return any(_norm(a) and _norm(a) in norm for a in answers)


def summarise(rows: list[dict]) -> dict:
    pos = [r for r in rows if r["answerable"]]
    neg = [r for r in rows if not r["answerable"]]

    def share(rs, key):
        return round(sum(r[key] for r in rs) / len(rs), 4) if rs else None

    return {
        "n_answerable": len(pos),
        "n_unanswerable": len(neg),
        "false_abstention": share(pos, "abstained"),
        "gold_in_cited": share(pos, "in_cited"),
        "gold_in_text": share(pos, "in_text"),
        "unanswerable_abstained": share(neg, "abstained"),
        "latency_ms_p50": round(statistics.median(r["ms"] for r in rows), 1) if rows else None,
        "answer_ms_p50": round(statistics.median(r["answer_ms"] for r in rows), 1) if rows else None,
        "gold_lead": share(pos, "lead"),
    }


def run_external(
    base: Settings,
    project_retriever=None,
    show_progress: bool = True,
    only: set[str] | None = None,
    timed: bool = True,
) -> dict:
    """Baseline (the hand-written gate, model off) and the configured model path (the verdict stage when
    Settings.answer_verdict is on) on every set; `timed` also measures p50 latency of both."""
    from rag.embed import make_embedder
    from rag.retrieve import Retriever

    threshold = answer_threshold(base)
    sets = {}
    if only is None or only & set(SETS):
        embedder = make_embedder(base)
        for name, (settings, questions) in prepare(base, show_progress, only).items():
            sets[name] = (Retriever(dataclasses.replace(base, **_paths(settings)), embedder), questions)
    relevant = {}
    if project_retriever is not None:
        from eval.dataset import is_relevant, load_questions

        if only is None or "tydiqa-dev-vs-project" in only:
            _, questions = tydiqa_dev()
            off_topic = [dataclasses.replace(q, answers=()) for q in questions]
            sets["tydiqa-dev-vs-project"] = (project_retriever, off_topic)
        if only is None or "project-dev" in only:
            sets["project-dev"] = (project_retriever, load_questions(split="dev"))
            relevant["project-dev"] = is_relevant
        if only is None or "probes" in only:
            from eval.probes import load_probes

            probes = [
                ExtQuestion(f"probe{i}", p["question"], ("",) if p["expect"] == "answer" else ())
                for i, p in enumerate(load_probes())
            ]
            sets["probes"] = (project_retriever, probes)
    result = {}
    for name, (retriever, questions) in sets.items():
        base_rows = cached_rows(name, base, retriever, questions, 0.0, relevant.get(name))
        result[f"{name} baseline"] = summarise(variant(base_rows, "all", None))
        rows = cached_rows(name, base, retriever, questions, base.answer_model_weight, relevant.get(name))
        if base.answer_verdict:
            result[f"{name} model"] = summarise(variant(rows, "verdict", verdict_threshold(base)))
        else:
            result[f"{name} model"] = summarise(variant(rows, base.answer_rules, threshold))
        result[f"{name} rows"] = {"base": base_rows, "model": rows}
        if not timed:
            continue
        off = {"answer_model": False, "answer_verdict": False}
        on = {"answer_model": True} if not base.answer_verdict else {}
        for label, changes in (("baseline", off), ("model", on)):  # the recorder's timings include its extra gates
            settings = dataclasses.replace(base, **changes)
            result[f"{name} {label}"].update(latency(settings, retriever, questions))
    return result


def latency(settings: Settings, retriever, questions, n: int = LATENCY_SAMPLE) -> dict:
    """p50 of the whole answer (retrieve + compose) and of composing alone, on the first `n` questions."""
    from rag.answer import Answerer

    answerer = Answerer(settings, retriever)
    answerer.answer(questions[0].question)  # warm caches (stemmer, co-occurrence, model file)
    totals, composing = [], []
    for q in questions[:n]:
        t = answerer.answer(q.question).timings
        totals.append(t.get("retrieve_ms", 0) + t.get("answer_ms", 0))
        composing.append(t.get("answer_ms", 0))
    return {
        "latency_ms_p50": round(statistics.median(totals), 1),
        "answer_ms_p50": round(statistics.median(composing), 1),
    }


def answer_threshold(settings: Settings) -> float:
    """The threshold the answer path uses: the setting, else the calibration's, else the model's."""
    from rag.answer_model import load_calibration, load_model

    if settings.answer_threshold is not None:
        return settings.answer_threshold
    cal, model = load_calibration(), load_model()
    return cal["threshold"] if cal else (model.threshold if model else 0.5)


def verdict_threshold(settings: Settings) -> float:
    """The verdict stage's threshold: the setting, else the one stored with it."""
    from rag.answer_gate import load_verdict

    if settings.verdict_threshold is not None:
        return settings.verdict_threshold
    verdict = load_verdict()
    return verdict.threshold if verdict is not None else 0.5


def _paths(settings: Settings) -> dict:
    return {"corpus_dir": settings.corpus_dir, "index_dir": settings.index_dir, "collection": settings.collection}


def cached_rows(name: str, base: Settings, retriever, questions, weight: float, relevant=None) -> list[dict]:
    """record_rows, cached under data/external/rows/ per set, model file and sentence weight."""
    import hashlib
    from importlib import resources

    from rag.answer_model import MODEL_FILE

    files = resources.files("rag.resources")
    model_bytes = files.joinpath(MODEL_FILE).read_bytes()
    key = hashlib.sha1(model_bytes + f"|{weight}|{len(questions)}|{ROWS_VERSION}".encode()).hexdigest()[:10]
    path = OUT / "rows" / f"{name}-{key}.jsonl"
    if path.exists():
        rows = _jsonl(path)
    else:
        rows = record_rows(base, retriever, questions, weight, relevant)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return recalibrate(rows)


def recalibrate(rows: list[dict]) -> list[dict]:
    """P(answer) of each row from the current calibration file (the raw model's when there is none): the
    same computation as rag.answer_gate, so the rows need not be answered again when only it changes."""
    from rag.answer_gate import calibrate, load_verdict
    from rag.answer_model import load_calibration

    cal = load_calibration()
    verdict = load_verdict()
    for r in rows:
        r["p"] = calibrate(cal, r["p_model"], r["sim"], r["cover"]) if cal and not r["no_answer"] else r["p_model"]
        if verdict is not None and r.get("signals"):
            r["pv"] = verdict.probability(r["signals"])
    return rows


ROWS_VERSION = 5

"""Bump when the answer path changes in a way the row cache cannot see (it keys on the model file)."""


class _Recorder:
    """Wraps an Answerer so one pass records what every gate variant would do.

    The wrapped answerer runs with the model on, rules `checks` and threshold -1 (never abstains on the
    model), so it composes an answer for every question that has candidates; `_gate` is replaced by one
    that records the full hand-written gate's reason, the checks-only reason and P(answer)."""

    def __init__(self, answerer, regulation: bool = True):
        from rag.answer import Answerer
        from rag.answer_gate import gate_signals
        from rag.checks.gate import regulation_refusal

        self.answerer = answerer
        self.last: dict = {}
        original = Answerer._gate
        # the answerer runs with regulation_check off, so that the gate sees every question; the refusal
        # the answer path would give first is replayed here
        on = dataclasses.replace(answerer.settings, regulation_check=regulation)

        def gate(this, frame, case):
            model, bare = case.model, dataclasses.replace(case, model=None)
            refusal = regulation_refusal(on, frame, case)
            first = refusal.reason if refusal else None
            rules = first or original(this, frame, bare)
            checks = first or (original(this, frame, case) if model is not None else rules)
            saved, without, without_checks = this.settings, {}, {}
            for name in CHECKS:  # the same gate with one check switched off (ablation)
                this.settings = dataclasses.replace(saved, gate_without=name)
                kept = None if name == "regulation" else first
                without[name] = kept or original(this, frame, bare)
                without_checks[name] = kept or original(this, frame, case)
            this.settings = saved
            cands, q_terms, results = case.cands, case.q_terms, case.results
            top = sorted(cands, key=lambda c: -c.score)[:5]
            self.last = {
                "regulation": first,
                "rules": rules,
                "checks": checks,
                "without": without,
                "without_checks": without_checks,
                "p": model.p_answer if model is not None else None,
                "p_model": model.p_model if model is not None else None,
                "sim": max((c.sim for c in top), default=0.0),
                "cover": max((this.retriever.text_coverage(q_terms, c.sentence.text) for c in top), default=0.0),
                "relevance": results[0].relevance if results else 0.0,
                "signals": gate_signals(this.settings, frame, case),
            }
            return None if cands else "tidak ada bagian sumber"

        answerer._gate = gate.__get__(answerer)

    def answer(self, question: str, history=None):
        self.last = {}
        ans = self.answerer.answer(question, history)
        return ans, dict(self.last)


def record_rows(base: Settings, retriever, questions, weight: float, relevant=None) -> list[dict]:
    """One row per question: every gate variant's verdict, P(answer), and whether the composed answer
    holds the gold (answer string, or `relevant(chunk, q)` for the project's questions)."""
    from rag.answer import Answerer

    settings = dataclasses.replace(
        base,
        answer_model=True,
        answer_rules="checks",
        answer_threshold=-1.0,
        answer_model_weight=weight,
        answer_verdict=False,
        gate_without="",
        regulation_check=False,
    )
    rec = _Recorder(Answerer(settings, retriever), regulation=base.regulation_check)
    rows = []
    for q in questions:
        ans, gate = rec.answer(q.question, list(getattr(q, "history", ())))
        if relevant is None:
            in_cited = any(contains_answer(c.chunk.text, q.answers) for c in ans.citations)
            in_text = contains_answer(ans.text, q.answers)
            lead = bool(ans.sentences) and contains_answer(ans.sentences[0].text, q.answers)
        else:
            in_cited = any(relevant(c.chunk, q) for c in ans.citations)
            in_text = in_cited
            by_n = {c.n: c.chunk for c in ans.citations}
            lead = bool(ans.sentences) and any(n in by_n and relevant(by_n[n], q) for n in ans.sentences[0].citations)
        rows.append(
            {
                "id": q.id,
                "question": q.question,
                "groups": list(getattr(q, "gold_ids", ())),
                "answerable": q.answerable,
                "no_answer": ans.abstained,
                "regulation": gate.get("regulation"),
                "rules": gate.get("rules"),
                "checks": gate.get("checks"),
                "without": gate.get("without", {}),
                "without_checks": gate.get("without_checks", {}),
                "p": gate.get("p") if gate.get("p") is not None else 0.0,
                "p_model": gate.get("p_model") if gate.get("p_model") is not None else 0.0,
                "sim": gate.get("sim", 0.0),
                "cover": gate.get("cover", 0.0),
                "relevance": gate.get("relevance", 0.0),
                "signals": gate.get("signals"),
                "in_cited": in_cited,
                "in_text": in_text,
                "lead": lead,
                "ms": ans.timings.get("retrieve_ms", 0) + ans.timings.get("answer_ms", 0),
                "answer_ms": ans.timings.get("answer_ms", 0),
            }
        )
    return rows


CHECKS = CHECK_NAMES + tuple(FAMILIES)
"""The gate's checks that Settings.gate_without can switch off (rag.checks.gate), then their families."""


def variant(rows: list[dict], rules: str, threshold: float | None, without: str | None = None) -> list[dict]:
    """The rows as the gate `rules` (`all`, `checks`, `none`) with the model at `threshold` (None: model off)
    would have answered them; `without` names one check switched off. `verdict`: the verdict stage's
    P (`pv`, from recalibrate) at `threshold` decides, with its hard exits."""
    out = []
    for r in rows:
        full, checks = r["rules"], r["checks"]
        if without:
            # a question ended before the gate (a regulation the index lacks) has no ablation: it abstains
            full, checks = r["without"].get(without, full), r["without_checks"].get(without, checks)
        if rules == "verdict":
            signals = r.get("signals") or {}
            abstained = r["no_answer"] or bool(signals.get("hard")) or r.get("pv", 0.0) < threshold
        elif threshold is None:
            abstained = r["no_answer"] or bool(full)
        else:
            # the regulation check runs before the model whatever the rules (rag.answer)
            first = None if without == "regulation" else r.get("regulation")
            hand = {"all": full, "checks": checks, "none": first}[rules]
            abstained = r["no_answer"] or bool(hand) or r["p"] < threshold
        out.append(
            {
                **r,
                "abstained": abstained,
                "in_cited": r["in_cited"] and not abstained,
                "in_text": r["in_text"] and not abstained,
            }
        )
    return out


def sweep_table(rows_by_set: dict[str, dict], thresholds=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)) -> str:
    """False abstention / unanswerable abstained / gold in answer per gate variant and model threshold."""
    lines = ["set | gate | threshold | false_abst | unans_abst | gold_in_text | gold_lead"]
    for name, rows in rows_by_set.items():
        for rules in ("all", "checks", "none"):
            for t in thresholds:
                m = summarise(variant(rows["model"], rules, t))
                lines.append(
                    f"{name} | {rules} | {t} | {m['false_abstention']} | {m['unanswerable_abstained']} | "
                    f"{m['gold_in_text']} | {m['gold_lead']}"
                )
    return "\n".join(lines)


def ablation_table(rows_by_set: dict[str, dict], check: str, rules: str, threshold: float) -> str:
    """What switching `check` off changes, per set, for the hand-written gate and for the model's gate."""
    keys = ("false_abstention", "unanswerable_abstained", "gold_in_text")
    lines = [f"without {check}: " + " | ".join(keys) + " (with -> without)"]
    for name, rows in rows_by_set.items():
        for label, rs, th in (("baseline", rows["base"], None), ("model", rows["model"], threshold)):
            a = summarise(variant(rs, rules, th))
            b = summarise(variant(rs, rules, th, without=check))
            cells = [f"{a[k]} -> {b[k]}" for k in keys]
            lines.append(f"  {name} {label}: " + " | ".join(cells))
    return "\n".join(lines)
