"""Markdown and PNG reports under eval/reports/."""

from __future__ import annotations

from pathlib import Path

METRICS = ("hit@1", "hit@3", "hit@5", "mrr@10", "ndcg@10")


def _table(rows: list[tuple[str, dict]]) -> list[str]:
    out = ["| | n | " + " | ".join(METRICS) + " |", "|---|---|" + "---|" * len(METRICS)]
    for name, m in rows:
        out.append(f"| {name} | {m['n']} | " + " | ".join(f"{m[k]:.3f}" for k in METRICS) + " |")
    return out


def write_retrieval_report(result: dict, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    system = result["system"]
    lines = [f"# Evaluasi pencarian (split: {result['split']})", "", "## Ringkasan", ""]
    rows = [("Tanya Peksos (hybrid)", system["overall"])]
    if "naive_langchain" in result:
        rows.append(("Baseline LangChain naif", result["naive_langchain"]["overall"]))
    lines += _table(rows) + ["", "## Per jenis pertanyaan", ""]
    lines += _table(list(system["by_type"].items()))
    if "naive_langchain" in result:
        lines += ["", "### Baseline LangChain naif per jenis", ""]
        lines += _table(list(result["naive_langchain"]["by_type"].items()))
    misses = [r for r in system["rows"] if r["hit@1"] == 0]
    if misses:
        lines += ["", "## Pertanyaan yang jawabannya tidak di peringkat 1", ""]
        lines += [
            f"- `{r['id']}` ({r['type']}, MRR {r['mrr@10']:.2f}): {r['question']} → {r['top'][0]}" for r in misses
        ]
    md = out_dir / "retrieval.md"
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    png = out_dir / "retrieval.png"
    _chart(result, png)
    return md, png


def _chart(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    types = list(result["system"]["by_type"])
    series = [("Tanya Peksos", result["system"]["by_type"])]
    if "naive_langchain" in result:
        series.append(("LangChain naif", result["naive_langchain"]["by_type"]))
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(series)
    for j, (name, by_type) in enumerate(series):
        xs = [i + j * width for i in range(len(types))]
        ax.bar(xs, [by_type[t]["mrr@10"] for t in types], width=width, label=name)
    ax.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(types))])
    ax.set_xticklabels(types, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("MRR@10")
    ax.set_title(f"MRR@10 per jenis pertanyaan (split {result['split']})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
