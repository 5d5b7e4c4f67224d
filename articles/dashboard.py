"""The admin home page as a dashboard: what needs the person looking at it, now.

Articles builds the newsroom's panels (templatetags/editorial.py); an app that builds on
articles adds its own with add_dashboard_panels() from its admin module (comments adds the
moderation desk), so this app never names the others. A builder takes the user and returns
a list of Panel; each panel is rendered by its own template, and costs a fixed number of
queries whatever the size of the tables.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Panel:
    title: str
    template: str
    items: list = field(default_factory=list)
    empty: str = ""
    # What the badge says: the number of items, "8+" when there are more than shown.
    count: Any = None
    extra: dict = field(default_factory=dict)


Builder = Callable[[Any], list[Panel]]
panel_builders: list[Builder] = []


def add_dashboard_panels(builder: Builder) -> None:
    if builder not in panel_builders:
        panel_builders.append(builder)


def capped(rows, limit):
    """The first `limit` rows and the badge for them, from a query that asked for one more."""
    rows = list(rows)
    if len(rows) > limit:
        return rows[:limit], f"{limit}+"
    return rows, len(rows)
