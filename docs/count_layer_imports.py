"""Count the import statements between the layers of `woken` (docs/architecture.md).

The layers are the chain of `.importlinter`, top to bottom. Every import from one
layer into another is counted; one into a layer above its own is listed as UPWARD.

Run from the repository root: python3 docs/count_layer_imports.py
"""

import ast
import collections
import configparser
import pathlib


def chain() -> list[str]:
    """The layers of the contract, top first."""
    parser = configparser.ConfigParser()
    parser.read(".importlinter")
    return parser.get("importlinter:contract:layers", "layers").split()


def layer(module: str, layers: list[str]) -> str | None:
    """The layer a module of `woken` belongs to; None outside `woken` or for the root."""
    for name in layers:
        if module == name or module.startswith(name + "."):
            return name
    return None


def imported(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def main() -> None:
    layers = chain()
    rank = {name: index for index, name in enumerate(layers)}
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    for path in pathlib.Path("woken").rglob("*.py"):
        module = ".".join(path.with_suffix("").parts).removesuffix(".__init__")
        source = layer(module, layers)
        for name in imported(ast.parse(path.read_text(encoding="utf-8"))):
            target = layer(name, layers)
            if source and target and target != source:
                counts[(source, target)] += 1
    upward = 0
    for (source, target), count in sorted(counts.items(),
                                          key=lambda i: (rank[i[0][0]], rank[i[0][1]])):
        up = rank[target] < rank[source]
        upward += count if up else 0
        print(f"{source:>17} -> {target:<17} {count:>3}{'  UPWARD' if up else ''}")
    print(f"upward: {upward}")


if __name__ == "__main__":
    main()
