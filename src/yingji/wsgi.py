import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
application = get_wsgi_application()

from yingji.core import runtime  # noqa: E402  (after Django is set up)

runtime.warm_up()
