"""django-ninja names OpenAPI schemas by class name and silently lets a later class replace an earlier one of the
same name; every request/response schema class across the apps must therefore have a unique name."""

import importlib
import inspect
import pkgutil

from ninja import Schema

import yingji


def test_schema_class_names_are_unique_across_apps():
    seen: dict[str, str] = {}
    for module_info in pkgutil.iter_modules(yingji.__path__):
        try:
            module = importlib.import_module(f"yingji.{module_info.name}.api")
        except ModuleNotFoundError:
            continue
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Schema) and obj.__module__ == module.__name__:
                assert name not in seen, f"{name} defined in {seen.get(name)} and {module.__name__}"
                seen[name] = module.__name__
    assert len(seen) > 20
