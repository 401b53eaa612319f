"""What the reports of bench/ (make audit, make lighthouse, make bench) share: the versions
of the tools they ran, when and where they ran, and Markdown tables."""

import os
import platform
import re
import subprocess
from datetime import UTC, datetime


def version(command: list[str], pattern: str, env: dict | None = None) -> str:
    """What ``command`` says of its version: the text matching ``pattern``, else its last
    line of output."""
    try:
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=60, env=env, check=False
        )
    except OSError as error:
        return f"unavailable ({error})"
    text = output.stdout + output.stderr
    found = re.search(pattern, text, re.M)
    if found:
        return found.group(0).strip()
    return text.strip().splitlines()[-1] if text.strip() else "unknown"


def run_facts(seconds: float) -> dict:
    """When and where a run happened, and how long it took."""
    uname = platform.uname()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "seconds": seconds,
        "uname": f"{uname.system} {uname.release} {uname.machine} ({uname.node})",
        "nproc": os.cpu_count(),
    }


def run_rows(r: dict) -> list[list]:
    """The first rows of a report's "how it ran" table, from ``run_facts``."""
    return [
        ["date", r["date"]],
        ["run time", f"{r['seconds'] / 60:.1f} min"],
        ["machine", r["uname"]],
        ["cores (nproc)", r["nproc"]],
    ]


def table(header: list[str], rows: list[list]) -> list[str]:
    def cell(value) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return lines + ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
