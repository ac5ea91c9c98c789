"""How the assistant is used, from counters alone: questions per day by route and reason, feedback, drafts."""

from __future__ import annotations

import base64
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from assistant.database import Database
from assistant.staff.drafts import Drafts
from assistant.tables import FeedbackEntry
from assistant.usage import Usage

ROUTES = ("answer", "escalate", "decline")
_COLOURS = {"answer": "#2e6b3f", "escalate": "#8a1c1c", "decline": "#7a7a7a"}


@dataclass
class Overview:
    days: list[str] = field(default_factory=list)
    routes: dict[str, dict[str, int]] = field(default_factory=dict)  # day -> route -> count
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)  # day -> "route/reason" -> count
    feedback: dict[str, dict[str, int]] = field(default_factory=dict)  # day -> up/down -> count
    drafts: dict[str, int] = field(default_factory=dict)

    @property
    def totals(self) -> Counter:
        total = Counter()
        for counts in self.routes.values():
            total.update(counts)
        return total


def overview(db: Database, usage: Usage, drafts: Drafts, timezone: str) -> Overview:
    result = Overview(drafts=drafts.counts())
    routes: dict[str, Counter] = defaultdict(Counter)
    reasons: dict[str, Counter] = defaultdict(Counter)
    for day, counts in usage.per_day().items():
        for (route, reason), n in counts.items():
            routes[day][route] += n
            reasons[day][f"{route}/{reason}"] += n
    feedback: dict[str, Counter] = defaultdict(Counter)
    zone = ZoneInfo(timezone)
    with db.session() as session:
        for created, rating in session.execute(select(FeedbackEntry.created_at, FeedbackEntry.rating)):
            day = created.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date().isoformat()
            feedback[day][rating] += 1
    days = sorted(set(routes) | set(feedback))
    if days:  # every day in the span, also the quiet ones
        first, last = (date.fromisoformat(d) for d in (days[0], days[-1]))
        days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    result.days = days
    result.routes = {d: dict(routes.get(d, {})) for d in days}
    result.reasons = {d: dict(reasons.get(d, {})) for d in days}
    result.feedback = {d: dict(feedback.get(d, {})) for d in days}
    return result


def plot_png(data: Overview, labels: dict[str, str], title: str) -> str:
    """Questions per day, stacked by route, as a PNG data URL: no remote assets, and no inline styles
    for the pages' Content-Security-Policy to block (an inline SVG is full of them)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = data.days[-60:]
    fig, ax = plt.subplots(figsize=(7, 2.8), dpi=100)
    bottom = [0] * len(days)
    for route in ROUTES:
        values = [data.routes[d].get(route, 0) for d in days]
        ax.bar(range(len(days)), values, bottom=bottom, color=_COLOURS[route], label=labels.get(route, route))
        bottom = [b + v for b, v in zip(bottom, values)]
    step = max(1, len(days) // 8)
    ax.set_xticks(range(0, len(days), step), [d[5:] for d in days[::step]], fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
