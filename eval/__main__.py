"""python -m eval [retrieval] | beir | answers | probes | tune | calibrate | fit-verdict — see --help of each."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from eval.external import CHECKS
from rag.config import Settings


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m eval", description="Evaluasi Tanya Peksos.")
    sub = p.add_subparsers(dest="command")
    r = sub.add_parser("retrieval", help="evaluasi pencarian pada set pertanyaan proyek (bawaan)")
    r.add_argument("--split", default="test", choices=["dev", "test", "all"])
    r.add_argument("--json", action="store_true")
    r.add_argument("--baseline", action="store_true", help="juga ukur baseline LangChain naif")
    r.add_argument("--report", action="store_true", help="tulis eval/reports/retrieval.md dan .png")
    r.add_argument("--min-hit5", type=float, help="gagal (kode 1) bila hit@5 di bawah angka ini")
    r.add_argument("--min-mrr", type=float, help="gagal (kode 1) bila MRR@10 di bawah angka ini")
    b = sub.add_parser("beir", help="benchmark eksternal berformat BEIR")
    b.add_argument("--corpus", type=Path, required=True)
    b.add_argument("--queries", type=Path, required=True)
    b.add_argument("--qrels", type=Path, required=True)
    b.add_argument("--variants", action="store_true", help="juga dense saja, BM25 saja, dan baseline LangChain")
    b.add_argument("--json", action="store_true")
    a = sub.add_parser("answers", help="evaluasi jawaban (kutipan, fakta emas, abstain)")
    a.add_argument("--split", default="test", choices=["dev", "test", "all"])
    a.add_argument("--blind", action="store_true", help="hanya batch buta (dinilai sekali)")
    a.add_argument("--engine", default="extractive")
    a.add_argument(
        "--from-id",
        default="",
        help="hanya pertanyaan mulai id ini (mis. q151: yang ditulis belakangan, belum dilihat aturan)",
    )
    a.add_argument("--json", action="store_true")
    a.add_argument(
        "--without",
        choices=CHECKS,
        action="append",
        help="ablasi: apa yang berubah bila satu cek gerbang dimatikan (dev dan probe; TyDiQA-id dev dan "
        "IDK-MRC valid bila indeksnya sudah dibangun)",
    )
    d = sub.add_parser("dialogues", help="pertanyaan lanjutan: percakapan berlapis, dinilai pada giliran terakhir")
    d.add_argument("--split", default="dev", choices=["dev", "test", "all"])
    d.add_argument("--engine", default="extractive")
    d.add_argument("--json", action="store_true")
    pr = sub.add_parser("probes", help="gerbang abstain pada pertanyaan gaya mahasiswa dan jebakan dekat topik")
    pr.add_argument("--json", action="store_true")
    sub.add_parser("calibrate", help="kalibrasi sinyal relevansi pada split dev (menulis rag/resources)")
    ext = sub.add_parser("answers-external", help="jawaban pada TyDiQA-id dev dan IDK-MRC valid (indeks sendiri)")
    ext.add_argument("--json", action="store_true")
    ext.add_argument(
        "--only",
        choices=["tydiqa-dev", "idk-mrc-valid", "idk-mrc-train", "tydiqa-dev-vs-project", "project-dev", "probes"],
        action="append",
    )
    ext.add_argument("--sweep", action="store_true", help="tabel ambang model untuk setiap varian gerbang")
    ext.add_argument("--without", choices=CHECKS, action="append", help="ablasi: matikan satu cek gerbang")
    tam = sub.add_parser("train-answer-model", help="latih ulang model jawaban dari ../shared/data (rag/resources)")
    tam.add_argument(
        "--calibrate",
        action="store_true",
        help="hanya kalibrasi tingkat jawaban dan ambang (IDK-MRC valid + dev proyek, out-of-fold)",
    )
    tam.add_argument(
        "--lexical-only", action="store_true", help="tanpa fitur kosinus e5 (seluruh split train, tanpa embedding)"
    )
    fv = sub.add_parser(
        "fit-verdict",
        help="pasang tahap putusan (semua sinyal cek + model -> abstain), out-of-fold; menulis rag/resources",
    )
    fv.add_argument("--c", type=float, default=1.0, help="kekuatan regularisasi terbalik regresi logistik")
    fv.add_argument("--dry-run", action="store_true", help="cetak saja, jangan tulis berkas")
    fv.add_argument(
        "--train",
        action="store_true",
        help="pasang pada baris IDK-MRC train (indeks terbatas) + dev proyek; IDK-MRC valid dan TyDiQA dev jadi uji",
    )
    fv.add_argument(
        "--before-id",
        default="",
        help="hanya pertanyaan dev proyek sebelum id ini (mis. q341: kelompok buta yang belum dinilai tidak dibaca)",
    )
    t = sub.add_parser("tune", help="cari bobot fusi terbaik pada split dev")
    t.add_argument("--json", action="store_true")
    return p


def _retriever(settings: Settings):
    from ingest.pipeline import run_ingest
    from rag.retrieve import Retriever

    run_ingest(settings, show_progress=False)  # no-op when the index is current
    return Retriever(settings)


def cmd_retrieval(args, settings: Settings) -> int:
    from eval.dataset import load_questions
    from eval.retrieval import evaluate

    retriever = _retriever(settings)
    questions = load_questions(split=args.split)
    result = {
        "split": args.split,
        "system": evaluate(lambda q, k: [r.chunk for r in retriever.search(q, k)], questions, retriever.chunks),
    }
    if args.baseline:
        from eval.baseline import NaiveLangChainRetriever

        naive = NaiveLangChainRetriever(retriever.chunks, retriever.embedder)
        result["naive_langchain"] = evaluate(naive.search, questions, retriever.chunks)
    if args.report:
        from eval.report import write_retrieval_report

        write_retrieval_report(result, Path("eval/reports"))
    overall = result["system"]["overall"]
    if args.json:
        print(json.dumps({k: v for k, v in result.items()}, ensure_ascii=False, indent=1))
    else:
        print(
            f"split={args.split} n={overall['n']} hit@1={overall['hit@1']} hit@3={overall['hit@3']} "
            f"hit@5={overall['hit@5']} mrr@10={overall['mrr@10']} ndcg@10={overall['ndcg@10']}"
        )
        for t, m in result["system"]["by_type"].items():
            print(f"  {t:14s} n={m['n']:3d} hit@1={m['hit@1']:.3f} hit@5={m['hit@5']:.3f} mrr@10={m['mrr@10']:.3f}")
        if "naive_langchain" in result:
            b = result["naive_langchain"]["overall"]
            print(f"naive LangChain: hit@1={b['hit@1']} hit@5={b['hit@5']} mrr@10={b['mrr@10']} ndcg@10={b['ndcg@10']}")
        for row in result["system"]["rows"]:
            if row["hit@5"] == 0:
                print(f"  MISS {row['id']} {row['question']!r} -> {row['top']}")
    failed = []
    if args.min_hit5 is not None and overall["hit@5"] < args.min_hit5:
        failed.append(f"hit@5 {overall['hit@5']} < {args.min_hit5}")
    if args.min_mrr is not None and overall["mrr@10"] < args.min_mrr:
        failed.append(f"MRR@10 {overall['mrr@10']} < {args.min_mrr}")
    if failed:
        print("GAGAL: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


def cmd_beir(args, settings: Settings) -> int:
    from eval.beir import run_beir

    result = run_beir(
        settings, args.corpus, args.queries, args.qrels, variants=args.variants, show_progress=not args.json
    )
    print(json.dumps(result, ensure_ascii=False, indent=1 if not args.json else None))
    return 0


def cmd_answers(args, settings: Settings) -> int:
    if args.without:  # the project's dev split and probes, and every external set whose index is built
        from eval.external import OUT, SETS

        built = [name for name in SETS if (OUT / name / "index").exists()]
        args.only, args.sweep, args.json = [*built, "project-dev", "probes"], False, False
        return cmd_answers_external(args, settings)
    from eval.answers import evaluate_answers
    from eval.dataset import load_questions
    from rag.answer import Answerer

    retriever = _retriever(settings)
    questions = load_questions(split=args.split, blind=args.blind)
    if args.from_id:
        questions = [q for q in questions if int(q.id[1:]) >= int(args.from_id.lstrip("qQ"))]
    result = evaluate_answers(Answerer(settings, retriever), questions, args.engine)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(" ".join(f"{k}={v}" for k, v in result.items() if k != "rows"))
        for r in result["rows"]:
            if r["answerable"] == r["abstained"] or (r["answerable"] and not r["gold_hit"]):
                what = (
                    "ABSTAIN-SALAH"
                    if r["answerable"] and r["abstained"]
                    else ("TIDAK-ABSTAIN" if not r["answerable"] else "FAKTA-MELESET")
                )
                print(f"  {what} {r['id']} {r['question']}")
    return 0


def cmd_probes(args, settings: Settings) -> int:
    from eval.probes import evaluate_probes, load_probes
    from rag.answer import Answerer

    result = evaluate_probes(Answerer(settings, _retriever(settings)), load_probes())
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(" ".join(f"{k}={v}" for k, v in result.items() if k not in ("rows", "by_style")))
    for style, v in result["by_style"].items():
        print(f"  {style:<12} {v['as_expected']}/{v['n']} sesuai harapan")
    for r in result["rows"]:
        if r["abstained"] != (r["expect"] == "abstain"):
            print(f"  {'ABSTAIN-SALAH' if r['abstained'] else 'TIDAK-ABSTAIN'} {r['question']}")
    return 0


def cmd_dialogues(args, settings: Settings) -> int:
    from eval.dialogues import evaluate_dialogues, load_dialogues
    from rag.answer import Answerer

    dialogues = load_dialogues(split=args.split)
    result = evaluate_dialogues(Answerer(settings, _retriever(settings)), dialogues, args.engine)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    for r in result["rows"]:
        what = "OK   " if r["ok"] else ("SALAH" if r["answerable"] else "TIDAK-ABSTAIN")
        print(f"{r['id']} {r['split']:<4} {what} {r['question']!r} -> cari: {r['search_query']!r}")
    for split, v in result["by_split"].items():
        print(f"split={split} n={v['n']} benar={v['correct']} akurasi={v['accuracy']}")
    print(" ".join(f"{k}={v}" for k, v in result.items() if k not in ("rows", "by_split")))
    return 0


def cmd_calibrate(args, settings: Settings) -> int:
    from eval.calibrate import fit, write

    cal = fit(_retriever(settings))
    print(json.dumps(cal, indent=1))
    print(f"-> {write(cal)}")
    return 0


def cmd_answers_external(args, settings: Settings) -> int:
    from eval.external import ablation_table, answer_threshold, run_external, sweep_table

    only = set(args.only or ["tydiqa-dev", "idk-mrc-valid", "tydiqa-dev-vs-project", "project-dev", "probes"])
    project = _retriever(settings) if only & {"tydiqa-dev-vs-project", "project-dev", "probes"} else None
    result = run_external(settings, project, show_progress=not args.json, only=only)
    rows = {k[: -len(" rows")]: result.pop(k) for k in list(result) if k.endswith(" rows")}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    for name, m in result.items():
        print(f"{name}: " + " ".join(f"{k}={v}" for k, v in m.items()))
    if args.sweep:
        print(sweep_table(rows))
    threshold = answer_threshold(settings)
    for check in args.without or []:
        print(ablation_table(rows, check, settings.answer_rules, threshold))
    return 0


def cmd_train_answer_model(args, settings: Settings) -> int:
    if args.calibrate:
        from eval.calibrate_answers import calibrate
        from eval.calibrate_answers import write as write_calibration

        cal = calibrate(settings, _retriever(settings))
        print(f"-> {write_calibration(cal)}")
        return 0
    from eval.train_answer_model import train, write

    spec = train(with_vectors=not args.lexical_only)
    print(json.dumps(spec["metrics"], indent=1))
    print(
        "reliability, IDK-MRC valid, each question with its own paragraph (P(answer) bin: n, mean P, answerable share)"
    )
    for b in spec["reliability_valid_own_paragraph"]:
        print(f"  {b['bin']}: n={b['n']:4d} mean_p={b['mean_p']:.3f} rate={b['rate']:.3f}")
    print(f"-> {write(spec)}")
    return 0


def cmd_fit_verdict(args, settings: Settings) -> int:
    from eval.fit_verdict import HELD_OUT, SETS, fit, load_rows, report, write

    rows = load_rows(settings, _retriever(settings), SETS + HELD_OUT + (("idk-mrc-train",) if args.train else ()))
    if args.before_id and "project-dev" in rows:
        limit = int(args.before_id.lstrip("qQ"))
        rows["project-dev"] = {k: [r for r in v if int(r["id"][1:]) < limit] for k, v in rows["project-dev"].items()}
    train = rows.pop("idk-mrc-train", {}).get("model") if args.train else None
    rows.pop("idk-mrc-train", None)
    spec = fit({name: rows[name]["model"] for name in SETS if name in rows}, args.c, train)
    for row in spec["sweep"]:
        cells = [
            f"{n}: FA {row[n]['false_abstention']} UA {row[n]['unanswerable_abstained']}" for n in SETS if n in row
        ]
        print(f"t={row['threshold']:.2f} " + " | ".join(cells))
    print("coef: " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(spec["features"], spec["coef"], strict=True)))
    report(rows, spec)
    if not args.dry_run:
        print(f"-> {write(spec)}")
    return 0


def cmd_tune(args, settings: Settings) -> int:
    from eval.tune import tune

    result = tune(settings)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-"):
        argv = ["retrieval", *argv]
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = Settings.from_env()
    commands = {
        "retrieval": cmd_retrieval,
        "beir": cmd_beir,
        "tune": cmd_tune,
        "answers": cmd_answers,
        "calibrate": cmd_calibrate,
        "probes": cmd_probes,
        "dialogues": cmd_dialogues,
        "answers-external": cmd_answers_external,
        "train-answer-model": cmd_train_answer_model,
        "fit-verdict": cmd_fit_verdict,
    }
    return commands[args.command](args, settings)


if __name__ == "__main__":
    raise SystemExit(main())
