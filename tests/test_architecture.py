"""docs/architecture.md, checked: who imports whom, the registry's surface, its size.

The source is read as text (ast), so these tests need no database.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("website", "registry", "rosters", "pdf", "forms_pages", "activities")
# The apps to come are checked as soon as their folders exist.
EXISTING = [app for app in APPS if (ROOT / app).is_dir()]
# app -> the project apps its code may import (docs/architecture.md).
MAY_IMPORT = {
    "registry": set(),
    "rosters": {"registry"},
    "pdf": {"registry"},
    "forms_pages": {"registry", "rosters", "pdf"},
    "activities": {"registry", "pdf"},
    "website": {"registry", "rosters", "pdf", "forms_pages", "activities"},
}
# What other apps may import from the registry: its public surface.
REGISTRY_SURFACE = {
    "services",
    "selectors",
    "privacy",
    "policy",
    "models",
    "choices",
    "fields",
    "idnumber",
    "validators",
    "invented",
    "downloads",
    "pks",
}
# Model methods that write; outside the registry only its services may call them.
WRITES = {
    "create",
    "bulk_create",
    "bulk_update",
    "update",
    "delete",
    "get_or_create",
    "update_or_create",
}
MAX_REGISTRY_MODULE_LINES = 600


def modules(app):
    """(path, tree) of the app's own code: no tests, no migrations."""
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def imported_modules(path, tree):
    """Absolute dotted names of every module the file imports, wherever it does."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            yield node, module
            for alias in node.names:
                # "from registry import services" imports registry.services.
                yield node, f"{module}.{alias.name}"


def project_imports(app):
    for path, tree in modules(app):
        for node, module in imported_modules(path, tree):
            top = module.split(".")[0]
            if top in APPS and top != app:
                yield path, node, module


@pytest.mark.parametrize("app", EXISTING)
def test_apps_import_only_what_the_architecture_allows(app):
    wrong = sorted(
        f"{path.relative_to(ROOT)}:{node.lineno} imports {module}"
        for path, node, module in project_imports(app)
        if module.split(".")[0] not in MAY_IMPORT[app]
    )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("app", EXISTING)
def test_other_apps_reach_the_registry_only_through_its_surface(app):
    wrong = sorted(
        {
            f"{path.relative_to(ROOT)}:{node.lineno} imports {module}"
            for path, node, module in project_imports(app)
            if module.startswith("registry.")
            and module.split(".")[1] not in REGISTRY_SURFACE
            # "from registry.models import Volunteer" names a class, not a module.
            and not _is_name_from_surface(module)
        }
    )
    assert not wrong, "\n".join(wrong)


def _is_name_from_surface(module):
    parts = module.split(".")
    return len(parts) == 3 and parts[1] in REGISTRY_SURFACE


@pytest.mark.parametrize("app", [app for app in EXISTING if app != "registry"])
def test_no_other_app_writes_registry_tables(app):
    wrong = []
    for path, tree in modules(app):
        registry_models = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "registry.models"
            for alias in node.names
        }
        for node in ast.walk(tree):
            # Model.objects.<write>(…)
            if (
                isinstance(node, ast.Attribute)
                and node.attr in WRITES
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "objects"
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id in registry_models
            ):
                wrong.append(
                    f"{path.relative_to(ROOT)}:{node.lineno} "
                    f"{node.value.value.id}.objects.{node.attr}"
                )
        if "RegistryLogEntry" in registry_models:
            wrong.append(
                f"{path.relative_to(ROOT)}: writes the registry's audit log itself"
            )
    assert not wrong, "\n".join(wrong)


def test_other_apps_ask_policy_actions_not_role_codenames():
    wrong = sorted(
        f"{path.relative_to(ROOT)}:{node.lineno} imports {module}"
        for app in EXISTING
        if app != "registry"
        for path, node, module in project_imports(app)
        if module in {"registry.roles", "registry.permissions"}
    )
    assert not wrong, "\n".join(wrong)


def test_registry_models_name_no_action_of_another_app():
    wrong = []
    for path, tree in modules("registry"):
        if "models" not in path.relative_to(ROOT).with_suffix("").parts:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                prefix = node.value.split(".")[0]
                if prefix in APPS and prefix != "registry" and "." in node.value:
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
    assert not wrong, "\n".join(wrong)


def test_no_registry_module_is_over_the_size_limit():
    long = sorted(
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path, _tree in modules("registry")
        if (lines := len(path.read_text(encoding="utf-8").splitlines()))
        > MAX_REGISTRY_MODULE_LINES
    )
    assert not long, "\n".join(long)


def test_no_function_level_imports_of_project_modules():
    """An import inside a function hides a cycle; Django's AppConfig.ready() is the exception."""
    wrong = []
    for app in EXISTING:
        for path, tree in modules(app):
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if function.name == "ready" and path.name == "apps.py":
                    continue
                for node, module in imported_modules(path, function):
                    if module.split(".")[0] in APPS:
                        wrong.append(
                            f"{path.relative_to(ROOT)}:{node.lineno} imports {module}"
                        )
    assert not sorted(set(wrong)), "\n".join(sorted(set(wrong)))


# The registry services a leaf may call: the audit entries of what it shows.
PDF_AUDIT_SERVICES = {"reveal_id_number", "record_bulk_export"}


def test_the_pdf_app_calls_no_registry_service_but_the_audit():
    wrong = []
    for path, tree in modules("pdf"):
        aliases = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "registry"
            for alias in node.names
            if alias.name == "services"
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "registry.services":
                wrong += [
                    f"{path.relative_to(ROOT)}:{node.lineno} imports {alias.name}"
                    for alias in node.names
                    if alias.name not in PDF_AUDIT_SERVICES
                ]
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr not in PDF_AUDIT_SERVICES
            ):
                wrong.append(
                    f"{path.relative_to(ROOT)}:{node.lineno} calls {node.attr}"
                )
    assert not wrong, "\n".join(wrong)
