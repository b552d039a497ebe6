"""Django settings for Yingji.

Everything a deployment changes comes from environment variables, each documented in the README's configuration
tables (``tests/core/test_readme.py`` fails on a ``YINGJI_*`` variable read here but missing there).
"""

import os
import secrets
from datetime import date as _date
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("YINGJI_DATA_DIR", "./var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use YINGJI_SECRET_KEY; otherwise keep one generated key in the data directory.

    A generated key survives restarts, so sessions and tokens stay valid, and is never committed.
    """
    configured = os.environ.get("YINGJI_SECRET_KEY")
    if configured:
        return configured
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("YINGJI_DEBUG")
DEMO_MODE = env_bool("YINGJI_DEMO_MODE", default=True)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("YINGJI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
                 if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("YINGJI_CSRF_TRUSTED_ORIGINS", "").split(",")
                        if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_filters",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "yingji.core",
    "yingji.enterprises",
    "yingji.prevention",
    "yingji.duty",
    "yingji.incidents",
    "yingji.resources",
    "yingji.monitoring",
    "yingji.warnings",
    "yingji.enforcement",
    "yingji.preparedness",
    "yingji.disasters",
    "yingji.statistics",
    "yingji.governance",
    "yingji.assessment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yingji.core.middleware.SessionIdleMiddleware",
    "yingji.core.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "yingji.core.middleware.FormLineBreakMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yingji.core.routing.ReplicaMiddleware",
    "yingji.core.middleware.RequestContextMiddleware",
    "yingji.core.middleware.ServiceErrorMiddleware",
    "yingji.core.middleware.PasswordChangeRequiredMiddleware",
    "yingji.core.modules.ModuleAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yingji.urls"
WSGI_APPLICATION = "yingji.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yingji.core.context_processors.navigation",
            ],
            # Django's ``date`` filter written directly for the platform's numeric formats (same output).
            "builtins": ["yingji.core.templatetags.fast_dates"],
        },
    },
]
#: Django's form renderer with selects written directly (their per-option templates dominated form pages).
FORM_RENDERER = "yingji.core.form_renderer.Renderer"

# Database: embedded SQLite by default; PostgreSQL (or another) through DATABASE_URL.
_default_sqlite = f"sqlite:///{DATA_DIR / 'yingji.sqlite3'}"
# Connections are kept between requests (a request no longer pays for a connection and its set-up); a kept
# connection is checked before reuse, so a restarted database server costs one failed check, not an error.
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite),
                                              conn_max_age=int(os.environ.get("YINGJI_DB_CONN_MAX_AGE", "600")),
                                              conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE transactions plus a busy timeout make concurrent
    # writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
# A read replica (YINGJI_REPLICA_URL, e.g. a PostgreSQL streaming standby): the domain reads of safe requests go to
# it, with read-your-writes for the acting user for YINGJI_REPLICA_PIN_SECONDS after a write (core.routing).
if os.environ.get("YINGJI_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["YINGJI_REPLICA_URL"],
                                                 conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
                                                 conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["yingji.core.routing.ReplicaRouter"]
REPLICA_PIN_SECONDS = int(os.environ.get("YINGJI_REPLICA_PIN_SECONDS", "15"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yingji.core.passwords.ComplexityValidator"},
    {"NAME": "yingji.core.passwords.NoReuseValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout (yingji.core.lockout): 5 failures for one account from one address lock that pair for 15 minutes;
# an address alone is locked only after failures for LOCKOUT_ADDRESS_USERNAMES distinct usernames (spraying).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "yingji.core.lockout.LockoutHandler"
LOCKOUT_ADDRESS_USERNAMES = int(os.environ.get("YINGJI_LOCKOUT_ADDRESS_USERNAMES", "10"))
#: The share of last month's hazards that enterprises closed themselves drawn each month for a regulator's check.
HAZARD_SAMPLE_SHARE = float(os.environ.get("YINGJI_HAZARD_SAMPLE_SHARE", "0.1"))
# The client address (lockout and audit): REMOTE_ADDR, or, only when REMOTE_ADDR is one of these reverse proxies,
# the nearest X-Forwarded-For entry that is not a trusted proxy itself (addresses or networks, comma-separated).
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("YINGJI_TRUSTED_PROXIES", "").split(",") if p.strip()]
AXES_CLIENT_IP_CALLABLE = "yingji.core.middleware.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "yingji.core.views.lockout_response"
AXES_VERBOSE = False

# Sessions: idle timeout, cookies HttpOnly and SameSite. A request extends the session when its last extension is
# SESSION_REFRESH_SECONDS old (core.middleware.SessionIdleMiddleware), not with a write on every request: the session
# lives that step beyond the idle minutes, so it ends between SESSION_IDLE_MINUTES and one step more after the last
# request, never before.
SESSION_IDLE_MINUTES = int(os.environ.get("YINGJI_SESSION_IDLE_MINUTES", "30"))
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60 + SESSION_REFRESH_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HTTPS = env_bool("YINGJI_HTTPS")
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
if SECURE_HTTPS:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Command-map base tiles (e.g. 天地图 with its key): optional; images may then load from the tile host only.
YINGJI_MAP_TILE_URL = os.environ.get("YINGJI_MAP_TILE_URL", "")
YINGJI_MAP_TILE_ATTRIBUTION = os.environ.get("YINGJI_MAP_TILE_ATTRIBUTION", "")
#: 天地图 (Tianditu): with a key (and no other tile URL) the map uses its vector base and annotation layers (Web
#: Mercator "_w" WMTS tiles, subdomains t0-t7). Without either, the map draws its offline vector base.
YINGJI_TIANDITU_KEY = os.environ.get("YINGJI_TIANDITU_KEY", "")
YINGJI_MAP_ANNOTATION_URL = ""
if YINGJI_TIANDITU_KEY and not YINGJI_MAP_TILE_URL:
    _wmts = ("https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=%s"
             "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=")
    YINGJI_MAP_TILE_URL = _wmts % ("vec", "vec") + YINGJI_TIANDITU_KEY
    YINGJI_MAP_ANNOTATION_URL = _wmts % ("cva", "cva") + YINGJI_TIANDITU_KEY
    YINGJI_MAP_TILE_ATTRIBUTION = YINGJI_MAP_TILE_ATTRIBUTION or "天地图"
if YINGJI_MAP_TILE_URL:
    from urllib.parse import urlsplit as _urlsplit

    _tiles = _urlsplit(YINGJI_MAP_TILE_URL.replace("{s}", "*"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

# Internationalisation: Chinese by default, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Serve straight from the finders: the platform runs from a checkout without a collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

# Background work: the django-tasks API. ``database`` (the default) keeps the queue in the platform's own database
# (django-tasks-db; several workers claim with SKIP LOCKED on PostgreSQL); ``rq`` puts it on Redis (django-tasks-rq,
# YINGJI_REDIS_URL) for installations with many workers; any other value is a backend's dotted path (tests use the
# immediate backend). Periodic jobs are claimed in the database by the sweeper either way (core.tasks).
TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
_task_backend = os.environ.get("YINGJI_TASK_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": TASK_BACKENDS.get(_task_backend, _task_backend),
        "QUEUES": ["default"],
    }
}
REDIS_URL = os.environ.get("YINGJI_REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS["default"]["BACKEND"] == TASK_BACKENDS["rq"]:
    INSTALLED_APPS.append("django_rq")
    # A job runs at most 15 minutes (the longest periodic job, retention, takes seconds on a county); finished
    # jobs' results are kept a day for `yingji check` and the operators.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 900, "DEFAULT_RESULT_TTL": 86400}}
#: How an RQ worker runs a job: "simple" (in the worker's own process) or "fork" (RQ's own default: a fresh work
#: horse process per job). bench/tasks.py, two workers on this project's jobs: simple drains ~210 jobs/s with a p50
#: latency of 3-4 ms, fork ~45 jobs/s (the fork costs more than the job); fork only isolates a job that would
#: corrupt its process, which these short Python jobs do not.
RQ_WORKER_CLASSES = {"fork": "rq.worker.Worker", "simple": "rq.worker.SimpleWorker"}
_rq_worker = os.environ.get("YINGJI_RQ_WORKER", "simple")
if _rq_worker not in RQ_WORKER_CLASSES:
    raise ImproperlyConfigured(f"YINGJI_RQ_WORKER must be one of {', '.join(RQ_WORKER_CLASSES)}, not {_rq_worker!r}")
RQ_WORKER_CLASS = RQ_WORKER_CLASSES[_rq_worker]

NINJA_PAGINATION_MAX_LIMIT = 500
FILTERS_EMPTY_CHOICE_LABEL = _("All")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YINGJI_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # PDF rendering reports every font and subset at INFO (lines per PDF): only problems are logged.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

APP_NAME = _("Yingji emergency management platform")
COUNTY_CODE = os.environ.get("YINGJI_COUNTY_CODE", "410481")

# Outgoing email (the warnings' email channel): SMTP from the environment.
EMAIL_HOST = os.environ.get("YINGJI_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("YINGJI_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("YINGJI_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("YINGJI_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("YINGJI_SMTP_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("YINGJI_MAIL_FROM", "yingji@localhost")


def _minutes_by_level(value: str) -> dict[str, int]:
    """``red=10,orange=20,yellow=45,blue=90`` → minutes a recipient has to confirm, by warning level."""
    minutes = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        level, _sep, number = part.partition("=")
        if level.strip() not in ("red", "orange", "yellow", "blue") or not number.strip().isdigit():
            raise ImproperlyConfigured(f"YINGJI_ESCALATION_MINUTES: {part!r} is not level=minutes")
        minutes[level.strip()] = int(number)
    return minutes


# Dissemination of warnings (yingji.warnings.services.config() fills anything missing with its defaults).
WARNING_DISSEMINATION = {
    "sms_url": os.environ.get("YINGJI_SMS_URL", ""),
    "sms_key": os.environ.get("YINGJI_SMS_KEY", ""),
    "wecom_webhook_url": os.environ.get("YINGJI_WECOM_WEBHOOK_URL", ""),
    "dingtalk_webhook_url": os.environ.get("YINGJI_DINGTALK_WEBHOOK_URL", ""),
    "ack_timeout_minutes": {"red": 10, "orange": 20, "yellow": 45, "blue": 90}
    | _minutes_by_level(os.environ.get("YINGJI_ESCALATION_MINUTES", "")),
    "confirm_share": float(os.environ.get("YINGJI_CONFIRM_SHARE", "0.95")),
    "public_base_url": os.environ.get("YINGJI_PUBLIC_BASE_URL", "http://localhost:8000"),
}
if not 0 < WARNING_DISSEMINATION["confirm_share"] <= 1:
    raise ImproperlyConfigured("YINGJI_CONFIRM_SHARE must be a share between 0 (exclusive) and 1")

# Monitoring data retention (yingji.monitoring.retention): raw readings, then hourly aggregates.
MONITORING_RETENTION = {"raw_days": int(os.environ.get("YINGJI_READING_RETENTION_DAYS", "90")),
                        "hourly_days": int(os.environ.get("YINGJI_HOURLY_RETENTION_DAYS", "3650"))}

#: The one accepted range of every date and date-time written or filtered on (API, forms, filters, imports, MQTT);
#: a value outside answers a field error instead of overflowing time-zone arithmetic or the database.
YINGJI_DATE_RANGE = tuple(p.strip() for p in os.environ.get("YINGJI_DATE_RANGE", "1900-01-01,2100-12-31").split(","))
try:
    _first, _last = (_date.fromisoformat(p) for p in YINGJI_DATE_RANGE)
except ValueError as _exc:
    raise ImproperlyConfigured("YINGJI_DATE_RANGE must be FIRST,LAST as ISO dates, e.g. 1900-01-01,2100-12-31") \
        from _exc
if not _first < _last or _first.year < 2 or _last.year > 9998:
    raise ImproperlyConfigured("YINGJI_DATE_RANGE: FIRST must come before LAST, both within years 2-9998")
