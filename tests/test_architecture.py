"""The layers hold: no module imports from its own layer's neighbours or from above (docs/ARCHITECTURE.md).

Every module of the package is parsed (imports inside functions count too), each import is mapped to the
component it reaches, and an import of a component that is not strictly lower fails the test, naming the file
and the line. `core` imports no app. The picture in the document is redrawn from the same edges.
"""

from tests.architecture import (
    PACKAGE,
    apps,
    component,
    document_picture,
    edges,
    imported_modules,
    layers,
    module_name,
    picture,
    python_files,
    rank_of,
)

# Edges still being removed in this wave, each with who removes it. The test fails when one is gone, so the list
# only shrinks; by the end of issue 13 it is empty.
ALLOWED_FOR_NOW = {}


def test_every_app_has_a_place_in_the_layers():
    placed = set().union(*layers())
    assert sorted(apps() - placed) == [], "add the new app to the layers in docs/ARCHITECTURE.md"


def test_each_component_appears_once_in_the_layers():
    names = [name for names in layers() for name in names]
    assert len(names) == len(set(names))


def test_no_import_goes_sideways_or_up():
    rank = rank_of()
    wrong = {
        (source, target): places
        for (source, target), places in edges().items()
        if rank[target] >= rank[source] and (source, target) not in ALLOWED_FOR_NOW
    }
    assert wrong == {}, "\n".join(
        f"{source} → {target}: {file}:{line}" for (source, target), places in wrong.items() for file, line in places
    )


def test_core_imports_no_app():
    assert [edge for edge in edges() if edge[0] == "core" and edge not in ALLOWED_FOR_NOW] == []


def test_the_allowed_edges_still_exist_and_still_break_the_order():
    rank = rank_of()
    found = edges()
    stale = [edge for edge in ALLOWED_FOR_NOW if edge not in found or rank[edge[1]] < rank[edge[0]]]
    assert stale == [], "remove these from ALLOWED_FOR_NOW: they are fixed"


def test_the_document_s_picture_shows_the_imports_as_they_are():
    assert document_picture() == picture(), "run scripts/architecture and commit docs/ARCHITECTURE.md"


def test_modules_map_to_their_components():
    assert component("zoneledger.settings") == "site"
    assert component("zoneledger.api") == "api"
    assert component("zoneledger.audit.views") == "audit.pages"
    assert component("zoneledger.audit.services") == "audit"
    assert component("zoneledger.projects.selectors") == "projects"
    assert component("django.db") is None


def test_no_app_imports_another_app_s_views():
    wrong = []
    for path in python_files():
        importer = module_name(path).split(".")
        if component(".".join(importer)) in ("site", "api"):
            continue  # the URLconf and the API's root assemble the apps' pages and routers
        for target, line in imported_modules(path):
            parts = target.split(".")
            if len(parts) > 2 and parts[0] == "zoneledger" and parts[2] == "views" and parts[1] != importer[1]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert wrong == []
