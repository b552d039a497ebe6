"""Test settings: the production settings plus a throwaway data directory, the immediate task backend, a fast
password hasher, and PostgreSQL when ``YINGJI_TEST_DATABASE_URL`` is set."""

import os
import tempfile

os.environ.setdefault("YINGJI_DATA_DIR", tempfile.mkdtemp(prefix="yingji-test-"))
os.environ.setdefault("YINGJI_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from .settings import *  # noqa: E402,F403
from .settings import DATABASES  # noqa: E402

_test_url = os.environ.get("YINGJI_TEST_DATABASE_URL")
if _test_url:
    DATABASES["default"] = dj_database_url.parse(_test_url)  # noqa: F405
# The read replica's alias mirrors the test database (core.routing's tests switch its router on).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True
