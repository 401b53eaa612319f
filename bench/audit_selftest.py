"""Does the audit find what it says it looks for? `make audit-selftest` plants known flaws
in a temporary copy of the project, runs the audit's runs that reach them, and fails
unless the audit reports every one. Writes docs/audit-selftest.md.

The flaws, all in search (the page every scanner reaches):
- SQL injection: the reader's words pasted into the FTS query. A boolean-blind injection:
  a true condition finds what the words find, a false one nothing, so it shows only when
  sqlmap starts from words that find something (`training`), as `make audit` does now.
- reflected XSS: the words put back into the search field unescaped.
- SSRF: a search for a URL makes the site fetch it.

The runs are those of `make audit` whose targets include the search page: the public
wapiti run and the three sqlmap runs on search (about 6 minutes instead of 30).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.audit import log
from bench.reports import run_facts, run_rows, table

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "audit-selftest.md"


@dataclass
class Plant:
    flaw: str
    what: str  # the category of the audit's finding that reports it
    changes: list[tuple[str, str, str]]  # (file, text, replaced with)
    #: The parameter, a word of the finding's key (sqlmap: "parameter q", wapiti:
    #: "GET /en/search/ q").
    parameter: str = "q"


PLANTS = [
    # The words pasted into the query, and the errors this causes hidden (no 500 to give it
    # away): the answers to a true and a false condition are all there is to see.
    Plant("SQL injection (boolean-blind) in search", "SQL injection", [
        ("asti/search/index.py",
         "\"search_fts MATCH :match AND status = 'published'",
         "f\"search_fts MATCH '{query}' AND status = 'published'"),
        ("asti/search/__init__.py",
         "    found = index.find(db.session, query, g.lang, page, PER_PAGE)\n",
         "    try:\n"
         "        found = index.find(db.session, query, g.lang, page, PER_PAGE)\n"
         "    except Exception:\n"
         "        db.session.rollback()\n"
         "        found = index.Found([], 0)\n"),
    ]),
    Plant("reflected XSS in search", "Cross Site Scripting", [
        ("templates/search/results.html", 'value="{{ query }}"', 'value="{{ query|safe }}"'),
    ]),
    Plant("SSRF in search", "Server Side Request Forgery", [
        ("asti/search/__init__.py",
         '    query = request.args.get("q", "")[:MAX_QUERY].strip()\n',
         '    query = request.args.get("q", "")[:MAX_QUERY].strip()\n'
         '    if query.startswith("http://"):\n'
         '        try:\n'
         '            __import__("urllib.request").request.urlopen(query, timeout=3).read()\n'
         "        except Exception:\n"
         "            pass\n"),
    ]),
]  # fmt: skip

RUNS = [
    "wapiti public",
    "sqlmap search form",
    "sqlmap search URL, words found",
    "sqlmap search URL, nothing found",
]

#: Not copied: the virtualenv (the copy runs with this one), history, caches, local data.
SKIPPED = shutil.ignore_patterns(
    ".venv", ".git", "instance", "mutants", "node_modules", "__pycache__", ".*_cache"
)


def plant(copy: Path) -> None:
    for p in PLANTS:
        for file, text, replaced in p.changes:
            path = copy / file
            if path.read_text().count(text) != 1:
                raise SystemExit(f"the plant '{p.flaw}' no longer fits {file}: update PLANTS")
            path.write_text(path.read_text().replace(text, replaced))


def main() -> int:
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="asti-audit-selftest-"))
    copy = tmp / "project"
    shutil.copytree(ROOT, copy, ignore=SKIPPED)
    plant(copy)
    log(f"planted {len(PLANTS)} flaws in {copy}; running {', '.join(RUNS)}")
    env = os.environ | {"PYTHONPATH": str(copy)}
    findings_file = tmp / "findings.json"
    command = [sys.executable, "-m", "bench.audit", "--report", str(tmp / "audit.md")]
    command += ["--findings", str(findings_file)]
    for run in RUNS:
        command += ["--only", run]
    audit = subprocess.run(command, cwd=copy, env=env, check=False)
    findings = json.loads(findings_file.read_text()) if findings_file.exists() else []
    rows, missed = [], []
    for p in PLANTS:
        said = [f for f in findings if f["what"] == p.what and p.parameter in f["key"].split()]
        found = [run for run in RUNS if any(f["source"] == run for f in said)]
        files = ", ".join(dict.fromkeys(f"`{file}`" for file, _, _ in p.changes))
        others = [run for run in RUNS if run not in found]
        rows.append([p.flaw, files, ", ".join(found) or "**nobody**", ", ".join(others)])
        if not found:
            missed.append(p.flaw)
    seconds = time.monotonic() - started
    ok = audit.returncode == 1 and not missed
    REPORT.write_text(
        "\n".join([
            "# Security audit: self-test",
            "",
            "Written by `make audit-selftest` (`bench/audit_selftest.py`): known flaws "
            "planted in a temporary copy of the project, then the runs of `make audit` "
            "that reach them. Run it again rather than editing this file.",
            "",
            f"**{'passed' if ok else 'FAILED'}**: the audit reported "
            f"{len(PLANTS) - len(missed)} of {len(PLANTS)} planted flaws"
            f" (it exited with {audit.returncode}; 1 means it failed, as it should).",
            "",
            *table(["", ""], [*run_rows(run_facts(seconds)), ["runs", ", ".join(RUNS)]]),
            "",
            *table(["planted flaw", "where", "reported by", "not by"], rows),
            "",
            "The plants, as `bench/audit_selftest.py` applies them (one exact replacement "
            "each; the self-test stops when one no longer fits):",
            "",
            *[line for p in PLANTS for file, text, replaced in p.changes for line in (
                f"- {p.flaw}, in `{file}`:", "", "  ```diff",
                *[f"  - {line}" for line in text.strip("\n").splitlines()],
                *[f"  + {line}" for line in replaced.strip("\n").splitlines()],
                "  ```", "",
            )],
        ])
    )  # fmt: skip
    if os.environ.get("ASTI_AUDIT_KEEP") == "1":
        log(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    for flaw in missed:
        log(f"NOT REPORTED: {flaw}")
    log(f"self-test {'passed' if ok else 'FAILED'} in {seconds / 60:.1f} min; report: {REPORT}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
