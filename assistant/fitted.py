"""Small fitted models read from data files: logistic regressions over named features.

The code that fits them lives in eval/fit.py (`wijzer fit`); here they are only applied, with numpy,
so serving needs no machine-learning library.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import FittedModelMissing

MODELS_DIR = Path(__file__).with_name("fitted")


@dataclass(frozen=True)
class LogisticModel:
    """p = sigmoid(intercept + sum(coef * (x - mean) / scale)) over the named features. A ranker fitted
    as a choice among candidates (a conditional logit) has no intercept: only differences of its logits
    mean something, exp(difference) being how much likelier one candidate is than another."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5  # the decision point chosen when it was fitted
    params: dict = field(default_factory=dict)  # other settings chosen when it was fitted

    def logit(self, values: dict[str, float]) -> float:
        return self.intercept + sum(
            c * (float(values[name]) - m) / s for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef)
        )

    def probability(self, values: dict[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, self.logit(values)))))

    def decide(self, values: dict[str, float]) -> bool:
        return self.probability(values) >= self.threshold

    @classmethod
    def load(cls, path: Path) -> "LogisticModel":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(tuple(data["features"]), tuple(data["mean"]), tuple(data["scale"]), tuple(data["coef"]),
                       float(data["intercept"]), float(data.get("threshold", 0.5)), dict(data.get("params", {})))
        except (OSError, ValueError, KeyError) as exc:
            raise FittedModelMissing(path) from exc

    def dump(self, path: Path, **extra) -> None:
        """Write the model with whatever describes how it was fitted (scores, data, date)."""
        data = {"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                "coef": list(self.coef), "intercept": self.intercept, "threshold": self.threshold,
                "params": self.params, **extra}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
