"""Count the import statements between the layers of `woken` (docs/architecture.md).

Run from the repository root: python3 docs/count_layer_imports.py
"""

import ast
import collections
import pathlib

LAYERS = {
    "woken.cli": "cli", "woken.cli.main.load": "cli", "woken.api": "api", "woken.system": "system",
    "woken.actors": "actors", "woken.algorithms": "algorithms",
}


def layer(module: str) -> str | None:
    """The layer of a module of `woken` (everything unlisted is the domain), None outside."""
    for prefix, name in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return name
    return "domain" if module.split(".")[0] == "woken" else None


def imported(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def main() -> None:
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    for path in pathlib.Path("woken").rglob("*.py"):
        source = layer(".".join(path.with_suffix("").parts).removesuffix(".__init__"))
        for name in imported(ast.parse(path.read_text(encoding="utf-8"))):
            target = layer(name)
            if source and target and target != source:
                counts[(source, target)] += 1
    for (source, target), count in sorted(counts.items()):
        print(f"{source:>10} -> {target:<10} {count}")


if __name__ == "__main__":
    main()
