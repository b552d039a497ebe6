"""yingji.standards is plain Python: no Django, nothing else of ours; every public function names its clause."""

import inspect
import subprocess
import sys

import pytest

from yingji.standards import (
    accidents,
    checklists,
    documents,
    draw,
    enforcement_powers,
    events,
    exams,
    gb18218,
    penalty,
    rainstorm,
    risk,
)

MODULES = [gb18218, risk, accidents, events, rainstorm, draw, penalty, enforcement_powers, documents,
           checklists, exams]


def test_imports_nothing_but_the_stdlib():
    code = (
        "import sys\n"
        "import yingji.standards.gb18218, yingji.standards.risk, yingji.standards.accidents\n"
        "import yingji.standards.events, yingji.standards.rainstorm, yingji.standards.draw\n"
        "import yingji.standards.penalty, yingji.standards.enforcement_powers, yingji.standards.documents\n"
        "import yingji.standards.checklists, yingji.standards.exams\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django'\n"
        "             or (m.startswith('yingji.') and not m.startswith('yingji.standards')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_public_functions_have_docstrings(module):
    for name, obj in vars(module).items():
        if name.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != module.__name__:
            continue
        assert obj.__doc__ and len(obj.__doc__.strip()) > 20, f"{module.__name__}.{name} has no docstring"
