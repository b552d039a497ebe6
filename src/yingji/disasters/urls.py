from django.urls import path  # noqa: F401

from yingji.core.generic import urls as surface_urls  # noqa: F401

urlpatterns: list = []
