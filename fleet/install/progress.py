"""How an install shows itself: one line per step, a bar for the file writes (rich)."""

import contextlib

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

STEPS = ("probe", "provision", "build", "write", "config", "online")


class Reporter:
    def __init__(self, console=None):
        self.console = console or Console(highlight=False, soft_wrap=True)

    def step(self, name, text):
        self.console.print(
            "[bold][%d/%d] %s[/bold]: %s" % (STEPS.index(name) + 1, len(STEPS), name, text)
        )

    def note(self, text):
        self.console.print("      " + text, markup=False)

    def failed(self, error):
        self.console.print("[bold red]install failed[/bold red] at %s" % error, markup=True)

    @contextlib.contextmanager
    def bar(self, text, total):
        """A bar over `total` units; yields advance(label) to call after each one."""
        progress = Progress(
            TextColumn("      {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[label]}"),
            TimeElapsedColumn(),
            console=self.console,
        )
        with progress:
            task = progress.add_task(text, total=total, label="")
            yield lambda label="": progress.update(task, advance=1, label=label)
