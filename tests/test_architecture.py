"""The code keeps the shape docs/architecture.md draws: imports go down the layers only,
features never import each other, and the docs name every part of the tree."""

import ast
import re
import subprocess

from asti.config import PROJECT_ROOT

ARCHITECTURE = PROJECT_ROOT / "docs" / "architecture.md"
PACKAGE = PROJECT_ROOT / "asti"


def layers() -> list[set[str]]:
    """The ```layers block of docs/architecture.md, bottom layer first: each line's names."""
    block = re.search(r"```layers\n(.*?)```", ARCHITECTURE.read_text(), re.S).group(1)
    names = [re.split(r"\s{2,}", line.strip())[0] for line in block.splitlines() if line.strip()]
    return [set(re.split(r",\s*", line)) for line in reversed(names)]


def unit(dotted: str) -> str:
    """The part of the package a module belongs to: ``asti.editor.forms`` -> ``editor``;
    ``asti`` itself (and a name imported from it, such as ``create_app``) -> ``asti``."""
    parts = dotted.split(".")
    if (
        len(parts) > 1
        and parts[1] != "__init__"
        and ((PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").is_file())
    ):
        return parts[1]
    return "asti"


def imports() -> dict[str, set[str]]:
    """For each module of the package (but migrations), the parts of the package it imports."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PROJECT_ROOT)
        if "migrations" in relative.parts:
            continue
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names = [node.module] if node.module else [a.name for a in node.names]
                targets |= {".".join([*base, name]) for name in names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("asti"):
                targets.add(node.module)
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.startswith("asti")}
        found[module] = {unit(t) for t in targets}
    return found


def test_the_layers_name_every_part_of_the_package():
    named = set().union(*layers())
    parts = {unit(f"asti.{p.stem}") for p in PACKAGE.iterdir() if p.suffix == ".py" or (
        p.is_dir() and (p / "__init__.py").exists())}  # fmt: skip
    assert parts == named


def test_imports_go_down_the_layers_only():
    """A part imports its own modules and the layers below it; so the public features, one
    layer, never import each other."""
    level = {name: n for n, names in enumerate(layers()) for name in names}
    wrong = [
        f"{module} imports {target}"
        for module, targets in imports().items()
        for target in targets
        if target != unit(module) and level[target] >= level[unit(module)]
    ]
    assert not wrong


def tracked(folder: str = "") -> set[str]:
    """The first path segment below ``folder`` of every file git tracks there."""
    files = subprocess.run(
        ["git", "ls-files", "--", folder or "."],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return {f.removeprefix(folder).split("/")[0] for f in files}


def mentioned(text: str) -> set[str]:
    """The paths a Markdown table names in its first column (`a`, `b/`, `c/`, ...)."""
    cells = re.findall(r"^\| ([^|]+) \|", text, re.M)
    return {m.strip("/") for cell in cells for m in re.findall(r"`([^`]+)`", cell)}


def test_architecture_names_every_file_of_the_package():
    named = {path.removeprefix("asti/") for path in mentioned(ARCHITECTURE.read_text())}
    assert tracked("asti/") <= named | {"__pycache__"}


def test_readme_names_every_folder_of_the_repository():
    readme = (PROJECT_ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout") :].split("\n## ")[0]
    top = {name for name in tracked() if not name.startswith(".")}
    assert top <= mentioned(layout)
