"""Measures the grounding check on hand-labelled sentences (eval/grounding.yaml): at each minimum support,
the share of true sentences it drops and of invented ones it lets through, in all and per kind of invention.

    python -m eval.grounding            # the table, and the point the settings use
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.config import Settings
from assistant.generators.grounding import Grounding, sources
from assistant.models import Chunk, DocumentInfo, Passage

CASES = Path(__file__).with_name("grounding.yaml")
THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass
class Labelled:
    passage: Passage
    text: str
    invented: str | None  # None: a true sentence; else the kind of invention


def load(path: Path = CASES) -> list[Labelled]:
    out = []
    for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]):
        doc = DocumentInfo(doc_id=f"case-{i}", title=case["title"], source=f"case-{i}.md")
        passage = Passage(Chunk(f"case-{i}", doc, case["passage"], case.get("section"), None, 0, "1"))
        out += [Labelled(passage, text, None) for text in case["supported"]]
        out += [Labelled(passage, item["text"], item["kind"]) for item in case["invented"]]
    return out


def kept(grounding: Grounding, item: Labelled) -> bool:
    return bool(grounding.check(item.text, sources([item.passage])).kept)


def measure(items: list[Labelled], threshold: float) -> dict[str, float]:
    grounding = Grounding(threshold)
    verdicts = [(item, kept(grounding, item)) for item in items]
    true = [k for item, k in verdicts if item.invented is None]
    row = {"true_dropped": sum(not k for k in true) / len(true)}
    invented = [(item.invented, k) for item, k in verdicts if item.invented is not None]
    row["invented_passed"] = sum(k for _, k in invented) / len(invented)
    for kind in sorted({kind for kind, _ in invented}):
        of_kind = [k for c, k in invented if c == kind]
        row[f"passed:{kind}"] = sum(of_kind) / len(of_kind)
    return row


def report(items: list[Labelled], chosen: float) -> str:
    rows = {t: measure(items, t) for t in sorted(set(THRESHOLDS) | {chosen})}
    columns = list(next(iter(rows.values())))
    true_n = sum(item.invented is None for item in items)
    lines = [f"{true_n} true and {len(items) - true_n} invented sentences", "",
             "| min support | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for t, row in rows.items():
        mark = " (chosen)" if t == chosen else ""
        lines.append(f"| {t:.2f}{mark} | " + " | ".join(f"{row[c]:.2f}" for c in columns) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=Path, default=CASES)
    args = parser.parse_args(argv)
    print(report(load(args.cases), Settings().llm_min_support))


if __name__ == "__main__":
    main()
