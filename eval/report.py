"""The evaluation report: JSON, Markdown, a self-contained HTML page with plots, and a terminal summary."""

from __future__ import annotations

import base64
import html
import io
import json
from collections import Counter
from pathlib import Path

from eval.metrics import MISTAKES

COLUMNS = [("full_pass", "pass"), ("hit1", "hit@1"), ("hit5", "hit@5"), ("mrr", "MRR"), ("ndcg5", "nDCG@5"), ("fact_recall", "facts"),
           ("citation_precision", "cit.prec"), ("citation_relevance", "cit.rel"), ("citation_coverage", "cit.cov"),
           ("route_accuracy", "route"), ("escalation_recall", "esc.rec"), ("latency_p50_ms", "p50 ms"),
           ("latency_p95_ms", "p95 ms")]
# Shown when a language model wrote answers: what the grounding check did, and how fast the model wrote.
WRITER_COLUMNS = [("sentences_dropped", "dropped"), ("fallback", "fallback"), ("first_token_ms", "1st token ms"),
                  ("tokens_per_s", "tok/s")]
JUDGE_COLUMNS = [("judge_faithfulness", "faithfulness (LLM)"), ("judge_relevance", "relevance (LLM)")]


def _fmt(value, key: str) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if key.startswith("latency") or key.endswith("_ms") else f"{value:.3f}" if key != "tokens_per_s" else f"{value:.1f}"


def _columns(result: dict) -> list[tuple[str, str]]:
    def has(key: str) -> bool:
        return any(m.get(key) is not None for parts in result["summary"].values() for m in parts.values())

    return COLUMNS + (WRITER_COLUMNS if has("fallback") else []) + (JUDGE_COLUMNS if has("judge_faithfulness") else [])


def table_rows(result: dict, part: str, baseline: dict | None = None) -> list[list[str]]:
    rows = []
    for config, parts in result["summary"].items():
        metrics = parts.get(part)
        if metrics is None:
            continue
        row = [config, str(metrics["n"])]
        for key, _ in _columns(result):
            cell = _fmt(metrics.get(key), key)
            old = (baseline or {}).get("summary", {}).get(config, {}).get(part, {}).get(key)
            if old is not None and metrics.get(key) is not None:
                delta = metrics[key] - old
                cell += f" ({delta:+.0f})" if key.startswith("latency") else f" ({delta:+.3f})"
            row.append(cell)
        rows.append(row)
    return rows


def markdown(result: dict, baseline: dict | None = None) -> str:
    header = ["config", "n"] + [label for _, label in _columns(result)]
    lines = ["# Wethouderswijzer evaluation", "", f"Questions: `{result['questions']}`; run at {result['created']}.", ""]
    if baseline:
        lines += [f"Differences in brackets are against `{result.get('compared_with')}`.", ""]
    if any(label.endswith("(LLM)") for label in header):
        lines += ["Columns marked (LLM) are scores of an LLM judge "
                  f"({result.get('judge_model')}), not measurements.", ""]
    parts = list(next(iter(result["summary"].values())).keys())
    for part in parts:
        lines += [f"## {part}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in table_rows(result, part, baseline)]
        lines.append("")
    first = primary(result)
    lines += [f"## Route confusion ({first}, all questions)", "", "| expected -> got | n |", "|---|---|"]
    lines += [f"| {k} | {n} |" for k, n in result["summary"][first]["all"]["confusion"].items()]
    lines += mistakes_markdown(result, first)
    lines += answerability_markdown(result)
    misses = [s for s in result["scores"] if s["config"] == first and s["expected"] != s["got"]]
    if misses:
        lines += ["", f"## Route mistakes ({first})", ""]
        lines += [f"- [{s['part']}] expected {s['expected']}, got {s['got']}: {s['question']}" for s in misses]
    return "\n".join(lines) + "\n"


def answerability_markdown(result: dict) -> list[str]:
    """How the answerability model was fitted and the point chosen on its precision/recall curve."""
    a = result.get("answerability")
    if not a:
        return []
    c = a["chosen"]
    return ["", "## Answerability model", "",
            f"Fitted on {a['questions']} labelled questions ({a['answerable']} answerable) by `wijzer fit`; "
            f"cross-validated Brier score {a['brier_cross_validated']:.4f}. Costs: sending an answerable question "
            f"away {a['costs']['sent_away']}, answering an unanswerable one {a['costs']['wrong_answer']}. "
            + (f"Chosen threshold {c['threshold']:.3f}, the least cost on {a['fresh']['questions']} questions of parts "
               f"it was not fitted on ({', '.join(a['fresh']['parts'])}; Brier {a['fresh']['brier']:.4f} there): "
               if "fresh" in a else f"Chosen threshold {c['threshold']:.3f}: ")
            + f"precision {c['precision']:.3f}, recall {c['recall']:.3f} "
            f"({c['sent_away']} sent away, {c['wrongly_answered']} wrongly answered"
            + (")." if "fresh" in a else ", cross-validated).")]


def mistakes_markdown(result: dict, config: str) -> list[str]:
    """Per part, how many questions failed for each class of mistake, and which they were."""
    mine = [s for s in result["scores"] if s["config"] == config and s.get("mistake")]
    if not mine:
        return []
    lines = ["", f"## Mistakes by class ({config})", "", "| part | class | n | what |", "|---|---|---|---|"]
    counts = Counter((s["part"], s["mistake"]) for s in mine)
    for (part, mistake), n in sorted(counts.items(), key=lambda item: (item[0][0], -item[1])):
        lines.append(f"| {part} | {mistake} | {n} | {MISTAKES.get(mistake, '')} |")
    lines.append("")
    for s in sorted(mine, key=lambda s: (s["part"], s["mistake"])):
        lines.append(f"- [{s['part']}] {s['mistake']} ({s['got']}): {s['question']}")
    return lines


def primary(result: dict) -> str:
    """The configuration whose routes are detailed: the served default (hybrid) when it was run."""
    names = list(result["summary"])
    return next((n for n in names if n.startswith("hybrid+")), names[0])


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def plots(result: dict) -> list[tuple[str, str]]:
    """(title, base64 PNG) for the metric bars, the latency distribution and the confusion matrix."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    out = []
    configs = list(result["summary"])
    parts = [p for p in next(iter(result["summary"].values())) if p != "all"]
    keys = [("hit5", "hit@5"), ("mrr", "MRR"), ("ndcg5", "nDCG@5"), ("fact_recall", "key facts"),
            ("route_accuracy", "route acc.")]
    fig, axes = plt.subplots(1, len(parts), figsize=(6 * len(parts), 3.6), squeeze=False)
    for ax, part in zip(axes[0], parts):
        width = 0.8 / len(configs)
        for i, config in enumerate(configs):
            values = [result["summary"][config][part].get(k) or 0 for k, _ in keys]
            ax.bar(np.arange(len(keys)) + i * width, values, width, label=config)
        ax.set_xticks(np.arange(len(keys)) + 0.4 - width / 2, [label for _, label in keys])
        ax.set_ylim(0, 1.05)
        ax.set_title(part)
    axes[0][0].legend(fontsize=8, loc="lower left")
    out.append(("Metrics per configuration", _png(fig)))
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 3.2))
    for config in configs:
        ax.hist([s["latency_ms"] for s in result["scores"] if s["config"] == config], bins=30, alpha=0.5, label=config)
    ax.set_xlabel("latency per question (ms)")
    ax.legend(fontsize=8)
    out.append(("Latency distribution", _png(fig)))
    plt.close(fig)

    first = primary(result)
    mine = [s for s in result["scores"] if s["config"] == first]
    labels = sorted({s["expected"].split("/")[1] for s in mine} | {s["got"].split("/")[1] for s in mine})
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for s in mine:
        matrix[labels.index(s["expected"].split("/")[1]), labels.index(s["got"].split("/")[1])] += 1
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("got")
    ax.set_ylabel("expected")
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                ax.text(j, i, matrix[i, j], ha="center", va="center", color="white" if matrix[i, j] > matrix.max() / 2 else "black")
    out.append((f"Route confusion matrix ({first})", _png(fig)))
    plt.close(fig)

    a = result.get("answerability")
    if a:
        fig, ax = plt.subplots(figsize=(5.5, 4.2))
        curve = sorted(a["curve"], key=lambda p: p["recall"])
        ax.plot([p["recall"] for p in curve], [p["precision"] for p in curve], marker=".", label="cross-validated")
        if "fresh" in a:
            fresh = sorted(a["fresh"]["curve"], key=lambda p: p["recall"])
            ax.plot([p["recall"] for p in fresh], [p["precision"] for p in fresh], marker=".",
                    label="parts not fitted on")
            curve = curve + fresh
        c = a["chosen"]
        ax.scatter([c["recall"]], [c["precision"]], color="#8a1c1c", zorder=3, s=60,
                   label=f"chosen: threshold {c['threshold']:.2f}")
        ax.set_xlabel("recall (answerable questions answered)")
        ax.set_ylabel("precision (answers the documents hold)")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(min(p["precision"] for p in curve) - 0.02, 1.01)
        ax.legend(fontsize=8, loc="lower left")
        out.append(("Answerability: precision/recall curve and chosen point", _png(fig)))
        plt.close(fig)
    return out


def html_page(result: dict, baseline: dict | None = None) -> str:
    header = ["config", "n"] + [label for _, label in _columns(result)]
    body = [f"<h1>Wethouderswijzer evaluation</h1><p>Questions: <code>{html.escape(result['questions'])}</code>; "
            f"run at {html.escape(result['created'])}.</p>"]
    if baseline:
        body.append(f"<p>Differences in brackets are against <code>{html.escape(str(result.get('compared_with')))}</code>.</p>")
    for part in next(iter(result["summary"].values())):
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                       for r in table_rows(result, part, baseline))
        body.append(f"<h2>{html.escape(part)}</h2><table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header)
                    + f"</tr>{rows}</table>")
    for line in answerability_markdown(result)[3:]:
        body.append(f"<h2>Answerability model</h2><p>{html.escape(line)}</p>")
    for title, png in plots(result):
        body.append(f"<h2>{html.escape(title)}</h2><img alt=\"{html.escape(title)}\" src=\"data:image/png;base64,{png}\">")
    style = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#1f1f1f}"
             "table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
             "td:first-child,th:first-child{text-align:left}img{max-width:100%}")
    return f"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Evaluation</title><style>{style}</style><body>{''.join(body)}</body></html>"


def terminal_summary(result: dict) -> str:
    keys = [("full_pass", "pass"), ("hit5", "hit@5"), ("mrr", "MRR"), ("fact_recall", "facts"),
            ("citation_precision", "cit.prec"), ("citation_coverage", "cit.cov"), ("route_accuracy", "route"),
            ("latency_p95_ms", "p95 ms")]
    if any(m.get("fallback") is not None for parts in result["summary"].values() for m in parts.values()):
        keys += [("sentences_dropped", "dropped"), ("fallback", "fallback"), ("first_token_ms", "1st tok"),
                 ("tokens_per_s", "tok/s")]
    lines = [f"{'part':9} {'config':22}" + "".join(f"{label:>9}" for _, label in keys)]
    for config, parts in result["summary"].items():
        for part, metrics in parts.items():
            lines.append(f"{part:9} {config:22}" + "".join(f"{_fmt(metrics.get(k), k):>9}" for k, _ in keys))
    return "\n".join(lines)


def write(result: dict, out: Path, baseline: dict | None = None) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "markdown": out / "report.md", "html": out / "report.html"}
    paths["json"].write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    paths["markdown"].write_text(markdown(result, baseline), encoding="utf-8")
    paths["html"].write_text(html_page(result, baseline), encoding="utf-8")
    return paths
