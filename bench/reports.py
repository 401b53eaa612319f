"""What the reports of bench/ (make audit, make lighthouse, make bench) share: the versions
of the tools they ran, and Markdown tables."""

import re
import subprocess


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


def table(header: list[str], rows: list[list]) -> list[str]:
    def cell(value) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return lines + ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
