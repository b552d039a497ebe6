"""core.runtime.warm_up: a long-running process loads its views, API and URL maps before its first request, and
keeps the objects of its start out of the garbage collector's full passes."""

from __future__ import annotations

import gc
import subprocess
import sys

from django.conf import settings
from django.urls import get_resolver

from yingji.core import runtime


def test_warm_up_freezes_the_objects_alive_and_builds_every_languages_url_map():
    tracked = len(gc.get_objects())
    try:
        frozen = runtime.warm_up()
        assert frozen >= tracked * 0.9  # what the collector walked before now lies outside its generations
        assert len(gc.get_objects()) < tracked / 10
        assert {code for code, _name in settings.LANGUAGES} <= set(get_resolver()._reverse_dict)
    finally:
        gc.unfreeze()  # the test process goes on collecting as before


def test_a_fresh_process_has_its_views_and_api_loaded_after_warming_up():
    code = ("import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'yingji.settings_test');"
            "import django; django.setup(); before = 'yingji.api' in sys.modules;"
            "from yingji.core import runtime; runtime.warm_up();"
            "print(before, 'yingji.api' in sys.modules, 'yingji.monitoring.views' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False", "True", "True"]
