"""Language selection: pages are Chinese unless the user chose English (the language cookie set by the switch);
the API answers in English unless the client sends Accept-Language."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def _choose(self, request) -> str:
        if request.path.startswith("/api/"):
            if "HTTP_ACCEPT_LANGUAGE" not in request.META:
                return "en"
            return translation.get_language_from_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in self.supported:
            return chosen
        return settings.LANGUAGE_CODE

    def __call__(self, request):
        language = self._choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",) if request.path.startswith("/api/") else ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
