"""Mutation testing of the modules that hold the site's promises (issue #19): does a test
fail when their code is changed a little?

Run with `make mutate`, which runs `python -m bench.mutate`. Not a test: it takes a while
and writes docs/mutation.md.

1. mutmut 3 (pinned in pyproject.toml's dev extra; its settings are there under
   ``[tool.mutmut]``) copies asti/ into mutants/, with templates/, static/, translations/
   and bench/ beside it, and writes every mutant of the modules below into that copy:
   the checkout's asti/ is never written (this script checks it). mutants/ is made anew
   on every run: mutmut's cache would keep a survivor's old result after a test is added.
2. It runs the modules' test files (``pytest_add_cli_args_test_selection``) once to learn
   which tests call each function; this script keeps, for each function, those of its
   module's own test files (``MODULES``); each mutant is then tested with these, fastest
   first, until one fails.
3. docs/mutation.md: per module, how many mutants the tests killed; every mutant they did
   not kill, with the reason it is harmless; and the survivors of the first run with the
   test added to kill each (both from mutate_survivors.toml, keyed by mutmut's names). A
   survivor that it does not explain fails the run, listed with its diff: add a test, or
   an explanation.

``--reuse`` writes the report again from the results in mutants/ without running mutmut.
"""

import argparse
import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from bench.reports import run_facts, run_rows, table

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "mutation.md"
MUTANTS = ROOT / "mutants"
LOG = MUTANTS / "make-mutate.log"
FACTS = MUTANTS / "make-mutate.json"

#: The modules; which of their mutants are run (mutmut's names: module, then ``x_function``
#: or ``xǁClassǁmethod``, then ``__mutmut_N``); and their own test files. Of the search index
#: only the folding: the rest is SQL, which the search tests check as a whole.
MODULES = {
    "asti/i18n.py": (
        ["asti.i18n.*"],
        ["test_language.py", "test_fallbacks.py", "test_site.py", "test_errors.py"],
    ),
    "asti/text.py": (
        ["asti.text.*"],
        ["test_markdown.py", "test_media_text.py", "test_language.py", "test_folding.py"],
    ),
    "asti/security.py": (["asti.security.*"], ["test_security.py"]),
    "asti/editor/auth.py": (
        ["asti.editor.auth.*"],
        ["test_sessions.py", "test_twofactor.py", "test_editor.py"],
    ),
    "asti/search/index.py": (
        ["asti.search.index.x_fold__*", "asti.search.index.x_terms__*"],
        ["test_search.py", "test_folding.py"],
    ),
    "asti/pagecache/middleware.py": (["asti.pagecache.middleware.*"], ["test_pagecache.py"]),
}
#: mutmut's verdicts that count as killed: a test failed, or the tests ran past their time
#: limit (the mutant made them loop).
KILLED = {"killed", "timeout"}
UNEXPLAINED = "**UNEXPLAINED**: add a test that kills it, or explain it in the .toml file."

#: The survivors: ``[explained."NAME"]``, a mutant the tests do not kill, with why that is
#: harmless; ``[killed."NAME"]``, a survivor of the first run (#19) that a test added then
#: kills. Each with the mutated line as mutmut writes it (the ``+`` side of its diff), so
#: that an entry never silently moves to another mutant when the code changes.
SURVIVORS = Path(__file__).with_name("mutate_survivors.toml")


@dataclass
class Mutant:
    name: str
    path: str
    status: str
    line: int = 0
    diff: tuple[str, ...] = ()

    @property
    def mutation(self) -> str:
        """The mutated line(s) as the mutant has them, or the removed ones."""
        added = [line[1:].strip() for line in self.diff if line.startswith("+")]
        removed = [line[1:].strip() for line in self.diff if line.startswith("-")]
        return " / ".join(added) if added else "removed: " + " / ".join(removed)


def matches(name: str, patterns: list[str]) -> bool:
    return any(re.fullmatch(re.escape(p).replace(r"\*", ".*"), name) for p in patterns)


def mutmut_settings() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]


def fingerprint() -> dict[str, str]:
    """The checkout's Python files of asti/, hashed: mutmut must never write there."""
    files = sorted((ROOT / "asti").rglob("*.py"))
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def mutmut(*names: str) -> None:
    """``mutmut run`` of these mutants (globs), its output added to LOG."""
    with LOG.open("a") as log:
        done = subprocess.run(
            [Path(sys.executable).with_name("mutmut"), "run", *names],
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
    if done.returncode != 0:
        tail = LOG.read_text(errors="replace").replace("\r", "\n").splitlines()[-30:]
        sys.exit("mutmut failed:\n" + "\n".join(tail))


def own_tests_only() -> None:
    """Narrow mutmut's record of which tests call each function to the tests in the
    function's module's own files. Every request passes through the page cache and the
    language hooks: without this, each of their mutants would run every test."""
    stats_file = MUTANTS / "mutmut-stats.json"
    stats = json.loads(stats_file.read_text())
    for function, tests in stats["tests_by_mangled_function_name"].items():
        files = next(
            (o for path, (_, o) in MODULES.items() if function.startswith(dotted(path))), []
        )
        kept = [t for t in tests if t.split("::")[0].removeprefix("tests/") in files]
        stats["tests_by_mangled_function_name"][function] = kept
    stats_file.write_text(json.dumps(stats, indent=4))


def dotted(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".") + "."


def run_mutmut() -> float:
    """A fresh mutants/ and a mutmut run of the selected mutants; its duration in seconds.

    First a run of the few mutants of ``text.numbered`` (two tests call it), which makes
    the mutants and records which tests call which function; then, that record narrowed
    to each module's own tests, the run of every selected mutant (mutmut reuses it)."""
    selection = mutmut_settings()["pytest_add_cli_args_test_selection"]
    own = {f"tests/{name}" for _, files in MODULES.values() for name in files}
    if own != set(selection):
        sys.exit(f"pytest_add_cli_args_test_selection must be the modules' test files: {own}")
    before = fingerprint()
    shutil.rmtree(MUTANTS, ignore_errors=True)
    MUTANTS.mkdir()
    print(f"mutmut run; its output: {LOG.relative_to(ROOT)}")
    start = time.monotonic()
    mutmut("asti.text.x_numbered*")
    own_tests_only()
    mutmut(*[p for names, _ in MODULES.values() for p in names])
    seconds = time.monotonic() - start
    if fingerprint() != before:
        sys.exit("asti/ changed during the run: check `git diff asti/`")
    return seconds


def function_spans(path: str) -> dict[str, tuple[int, int]]:
    """The lines of each function and method (from its ``def``), by mutmut's name for it."""
    spans = {}
    for node in ast.parse((ROOT / path).read_text()).body:
        methods = node.body if isinstance(node, ast.ClassDef) else [node]
        for item in methods:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                owner = f"xǁ{node.name}ǁ" if item is not node else "x_"
                spans[owner + item.name] = (item.lineno, item.end_lineno)
    return spans


def not_mutated(path: str) -> list[str]:
    """The functions mutmut 3 leaves alone: decorated ones (a route, ``@cache``, a
    property, a hook inside ``init_app``) other than static and class methods."""
    found = []

    def visit(node, owner: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{owner}{child.name}"
                kept = {"staticmethod", "classmethod"}
                decorators = [ast.unparse(d) for d in child.decorator_list]
                if isinstance(child, ast.ClassDef):
                    visit(child, f"{name}.")
                elif decorators and not set(decorators) <= kept:
                    found.append(f"`{name}` (@{', @'.join(decorators)})")
                else:
                    visit(child, f"{name}.")

    visit(ast.parse((ROOT / path).read_text()), "")
    return found


def read_results(named: set[str]) -> list[Mutant]:
    """Every selected mutant with mutmut's verdict, and the diff of those not killed or
    ``named``."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    mutants = []
    for path, (patterns, _) in MODULES.items():
        meta = json.loads((MUTANTS / f"{path}.meta").read_text())
        spans = function_spans(path)
        for name, code in meta["exit_code_by_key"].items():
            if not matches(name, patterns):
                continue
            mutant = Mutant(name, path, status_by_exit_code[code])
            if mutant.status not in KILLED or name in named:
                diff = get_diff_for_mutant(name, path=path).splitlines()[2:]
                mutant.diff = tuple(line for line in diff if line[:1] in "+-")
                function = name.rpartition(".")[2].split("__mutmut_")[0]
                mutant.line = mutated_line(path, diff, spans[function])
            mutants.append(mutant)
    return mutants


def mutated_line(path: str, diff: list[str], span: tuple[int, int]) -> int:
    """The line in the source file of the diff's first removed line: the diff is of the
    function alone (from the comments above it), so its line is looked for in the function,
    nearest to where the diff puts it."""
    source = (ROOT / path).read_text().splitlines()
    old = 0
    for line in diff:
        if line.startswith("@@"):
            old = int(re.match(r"@@ -(\d+)", line).group(1))
        elif line.startswith("-"):
            first, last = span
            found = [n for n in range(first, last + 1) if source[n - 1].strip() == line[1:].strip()]
            return min(found, key=lambda n: abs(n - (first + old - 1)), default=first)
        else:
            old += 1
    return span[0]


def survivors() -> dict[str, dict[str, dict[str, str]]]:
    return tomllib.loads(SURVIVORS.read_text())


def explain(mutant: Mutant, explained: dict[str, dict[str, str]]) -> str | None:
    """Why this survivor is harmless; None if unexplained (or explained for another line)."""
    entry = explained.get(mutant.name)
    return entry["why"] if entry and entry["mutation"] == mutant.mutation else None


def skeleton(mutants: list[Mutant]) -> str:
    """Entries of mutate_survivors.toml for these mutants, to fill in."""
    entries = []
    for m in mutants:
        entries += [f'[explained."{m.name}"]  # {m.path}:{m.line}']
        entries += [f"mutation = '''{m.mutation}'''", 'why = ""', ""]
    return "\n".join(entries)


def tests_by_module() -> dict[str, list[str]]:
    """For each module, the test files whose tests called its functions."""
    stats = json.loads((MUTANTS / "mutmut-stats.json").read_text())
    found: dict[str, set[str]] = {path: set() for path in MODULES}
    for function, tests in stats["tests_by_mangled_function_name"].items():
        for path, (patterns, _) in MODULES.items():
            if matches(f"{function}__mutmut_1", patterns):
                found[path] |= {test.split("::")[0].removeprefix("tests/") for test in tests}
    return {path: sorted(files) for path, files in found.items()}


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def report(mutants: list[Mutant], facts: dict) -> tuple[list[str], list[Mutant]]:
    """docs/mutation.md's lines, and the survivors nobody explained."""
    table_of = survivors()
    explained, killed = table_of.get("explained", {}), table_of.get("killed", {})
    files = tests_by_module()
    rows, unexplained, kept = [], [], []
    totals = [0] * 6
    for path, (_, own) in MODULES.items():
        mine = [m for m in mutants if m.path == path]
        counts = [
            len(mine),
            sum(m.status == "killed" for m in mine),
            sum(m.status == "timeout" for m in mine),
            sum(m.status == "survived" for m in mine),
            sum(m.status not in KILLED | {"survived"} for m in mine),
        ]
        counts.append(counts[1] + counts[2])
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
        ran = ", ".join(f if f in files[path] else f"{f} (none)" for f in own)
        rows.append([f"`{path}`", *counts[:5], percent(counts[5], counts[0]), ran])
        for m in mine:
            if m.status not in KILLED:
                why = explain(m, explained)
                kept.append((m, why))
                if why is None:
                    unexplained.append(m)
    rows.append(["all", *totals[:5], percent(totals[5], totals[0]), ""])

    header = [
        "module", "mutants", "killed", "timeout", "survived", "suspicious, no tests",
        "% killed", "own test files (none: no test of it calls a mutated function)",
    ]  # fmt: skip
    lines = [
        "# Mutation testing",
        "",
        "Written by `make mutate` (`bench/mutate.py`); do not edit by hand. A mutant is one",
        "small change to a function of the modules that hold the site's promises (a `<` for a",
        "`<=`, a string replaced, an argument dropped...). mutmut records which tests call each",
        "function; each mutant runs against those of its module's own test files, fastest",
        "first, until one fails. A mutant is killed when a test fails, or when the tests run",
        'past their time limit (the change made them loop: "timeout", counted as killed).',
        "",
        "## How it ran",
        "",
        *table(
            ["", ""],
            [["mutmut", version("mutmut")], *run_rows(facts), ["workers", facts["workers"]]],
        ),
        "",
        "## Per module",
        "",
        *table(header, rows),
        "",
        "Of `asti/search/index.py` only `fold` and `terms` are mutated: the rest is SQL, which",
        "the search tests check as a whole.",
        "",
        "## What mutmut 3 does not mutate",
        "",
        "Code outside functions (constants such as `security.HEADERS`), and decorated functions",
        "other than static and class methods (a copy of a route would be registered twice, a",
        "property cannot be wrapped). Their own tests are the only check on these:",
        "",
    ]
    for path in MODULES:
        skipped = not_mutated(path)
        lines.append(f"- `{path}`: " + (", ".join(skipped) if skipped else "none") + ".")
    lines += [
        "",
        "## Every survivor",
        "",
        "Each with why no test should kill it (`bench/mutate_survivors.toml`).",
        "",
    ]
    if not kept:
        lines.append("None.")
    for m, why in kept:
        lines += [
            f"- `{m.name}` ({m.status}), `{m.path}:{m.line}`:",
            "  ```diff",
            *[f"  {line}" for line in m.diff],
            "  ```",
            f"  {why or UNEXPLAINED}",
        ]
    lines += [
        "",
        "## Survivors of the first run, killed by tests added for #19",
        "",
        "Each mutated line, and the test added to kill it.",
        "",
    ]
    by_name = {m.name: m for m in mutants}
    for name, entry in killed.items():
        m = by_name.get(name)
        if m is None or m.status not in KILLED:
            lines.append(f"- `{name}`: **not killed now** ({m.status if m else 'no such mutant'}).")
            if m is not None and m not in unexplained:
                unexplained.append(m)
            continue
        lines += [
            f"- `{name}`, `{m.path}:{m.line}`: `{entry['mutation']}`",
            f"  killed by `{entry['test']}`",
        ]
    return lines, unexplained


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="report on mutants/ as it is")
    args = parser.parse_args()
    if args.reuse:
        facts = json.loads(FACTS.read_text())
    else:
        facts = run_facts(run_mutmut())
        facts["workers"] = os.cpu_count()
        FACTS.write_text(json.dumps(facts))
    mutants = read_results(set(survivors().get("killed", {})))
    lines, unexplained = report(mutants, facts)
    REPORT.write_text("\n".join(lines) + "\n")
    killed = sum(m.status in KILLED for m in mutants)
    print(f"{killed} of {len(mutants)} mutants killed ({percent(killed, len(mutants))}), in "
          f"{facts['seconds'] / 60:.0f} minutes: {REPORT.relative_to(ROOT)}")  # fmt: skip
    if unexplained:
        print(f"\n{len(unexplained)} survivor(s) neither killed nor explained:", file=sys.stderr)
        for m in unexplained:
            print(f"\n{m.name} ({m.status}) {m.path}:{m.line}", file=sys.stderr)
            print("\n".join(m.diff), file=sys.stderr)
        print(f"\nAdd a test that kills each, or explain it in {SURVIVORS.relative_to(ROOT)}:\n\n"
              + skeleton(unexplained), file=sys.stderr)  # fmt: skip
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
