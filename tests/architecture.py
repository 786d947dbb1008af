"""The layers of zoneledger as docs/ARCHITECTURE.md writes them down, and the imports the code really has.

`tests/test_architecture.py` checks one against the other; `scripts/architecture` redraws the document's
picture of the apps and their arrows from the code (the test fails when the picture is out of date).
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "zoneledger"
DOCUMENT = ROOT / "docs" / "ARCHITECTURE.md"

# Top-level modules of the package: the site that assembles the apps, and the JSON API's root.
SITE_MODULES = {"__init__", "settings", "urls", "wsgi", "asgi", "cli", "menu"}
API_MODULES = {"api"}
# The auditor's pages need roles, so they sit above accounts, apart from the audit records beneath everything.
AUDIT_PAGES = {"views", "urls", "filters", "selectors", "forms", "templatetags"}

LAYERS_BLOCK = re.compile(r"<!-- layers -->\s*```text\n(.*?)```", re.S)
PICTURE_BLOCK = re.compile(r"(<!-- picture: scripts/architecture redraws it -->\s*```mermaid\n)(.*?)(```)", re.S)


def layers():
    """The layer order from the document, lowest first: a list of sets of component names."""
    block = LAYERS_BLOCK.search(DOCUMENT.read_text(encoding="utf-8"))
    if block is None:
        raise AssertionError("docs/ARCHITECTURE.md has no <!-- layers --> block")
    order = []
    for line in block[1].splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            order.append({name.strip() for name in re.split(r"[,\s]+", line) if name.strip()})
    return order


def rank_of():
    return {name: rank for rank, names in enumerate(layers()) for name in names}


def component(module):
    """The component a dotted module name (``zoneledger.projects.views``) belongs to, as the layers name them."""
    parts = module.split(".")
    if parts[0] != "zoneledger":
        return None
    if len(parts) == 1 or parts[1] in SITE_MODULES:
        return "site"
    if parts[1] in API_MODULES:
        return "api"
    if parts[1] == "audit" and len(parts) > 2 and parts[2] in AUDIT_PAGES:
        return "audit.pages"
    return parts[1]


def module_name(path):
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# The user model is everyone's (settings.AUTH_USER_MODEL): lower layers refer to it by that string at run time and
# may name its class for the type checker alone, under `if TYPE_CHECKING:`. No other import is exempt.
TYPE_ONLY_ALLOWED = {"zoneledger.accounts.models", "zoneledger.accounts.models.User"}


def _type_checking_imports(tree):
    """The import nodes inside `if TYPE_CHECKING:` blocks."""
    nodes = set()
    for node in ast.walk(tree):
        test = getattr(node, "test", None)
        if isinstance(node, ast.If) and (
            (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
            or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
        ):
            nodes.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return nodes


def imported_modules(path):
    """Every module `path` imports, at any depth of the file (an import inside a function is an edge too)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    type_only = _type_checking_imports(tree)
    for node in ast.walk(tree):
        if id(node) in type_only and _only_the_user_model(node):
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target, node.lineno
            for alias in node.names:  # `from zoneledger import reports` names a module too
                yield f"{target}.{alias.name}", node.lineno


def _only_the_user_model(node):
    if isinstance(node, ast.Import):
        return all(alias.name in TYPE_ONLY_ALLOWED for alias in node.names)
    if isinstance(node, ast.ImportFrom) and not node.level:
        return node.module in TYPE_ONLY_ALLOWED and all(alias.name == "User" for alias in node.names)
    return False


def python_files():
    return sorted(path for path in PACKAGE.rglob("*.py") if "static" not in path.parts)


def edges():
    """{(from component, to component): [(file, line), …]} over every import between two components."""
    found = defaultdict(list)
    for path in python_files():
        source = component(module_name(path))
        for target_module, line in imported_modules(path):
            target = component(target_module)
            if target is None or target == source:
                continue
            where = (str(path.relative_to(ROOT)), line)
            if where not in found[(source, target)]:
                found[(source, target)].append(where)
    return dict(found)


def apps():
    """The components the code has: every app folder, the audit pages, the API and the site."""
    names = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    names -= {"locale", "static", "templates"}
    return names | {"site", "audit.pages"} | ({"api"} if (PACKAGE / "api.py").exists() else set())


def picture():
    """A Mermaid diagram: one box per layer (lowest at the bottom), an arrow per importing pair of components.

    Arrows into core are left out (every app may use it); an arrow against the order is dotted and says so.
    """
    lines = ["flowchart BT"]
    order = layers()
    ranks = rank_of()
    present = apps()
    for rank, names in enumerate(order):
        shown = sorted(names & present)
        if not shown:
            continue
        lines.append(f'  subgraph L{rank}["layer {rank}"]')
        lines.extend(f'    {_node(name)}["{name}"]' for name in shown)
        lines.append("  end")
    for source, target in sorted(edges()):
        if target == "core" and source != "core":
            continue
        arrow = "-->" if ranks.get(target, -1) < ranks.get(source, -1) else "-. against the order .->"
        lines.append(f"  {_node(source)} {arrow} {_node(target)}")
    return "\n".join(lines) + "\n"


def _node(name):
    return name.replace(".", "_")


def document_picture():
    match = PICTURE_BLOCK.search(DOCUMENT.read_text(encoding="utf-8"))
    return match[2] if match else None


def write_picture():
    text = DOCUMENT.read_text(encoding="utf-8")
    if not PICTURE_BLOCK.search(text):
        raise SystemExit("docs/ARCHITECTURE.md has no picture block to redraw")
    DOCUMENT.write_text(PICTURE_BLOCK.sub(lambda match: match[1] + picture() + match[3], text), encoding="utf-8")
