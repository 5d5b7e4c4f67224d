"""What an import reports: counts by kind, items left out, conflicts and problems."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.text import Truncator

from .posts import text


@dataclass(frozen=True, slots=True)
class Skipped:
    post_id: int | None
    title: str
    reason: str


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    unknown_shortcodes: Counter = field(default_factory=Counter)
    upload_urls: set[str] = field(default_factory=set)
    skipped: list[Skipped] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def add_problem(self, message: str) -> None:
        self.problems.append(message)

    def skip(self, item, reason: str) -> None:
        self.skipped.append(Skipped(item.post_id, Truncator(text(item.title)).chars(60), reason))

    def checkpoint(self):
        """What undo() needs to forget everything counted after this point."""
        return (
            Counter(self.counts),
            Counter(self.unknown_shortcodes),
            set(self.upload_urls),
            len(self.problems),
            len(self.skipped),
            len(self.conflicts),
        )

    def undo(self, checkpoint) -> None:
        counts, shortcodes, upload_urls, problems, skipped, conflicts = checkpoint
        self.counts, self.unknown_shortcodes, self.upload_urls = counts, shortcodes, upload_urls
        del self.problems[problems:], self.skipped[skipped:], self.conflicts[conflicts:]
