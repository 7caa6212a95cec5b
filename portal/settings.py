"""The portal's only settings module, driven by environment variables (see README "Configuration").

Defaults are safe for production; `make run` sets PORTAL_DEBUG=1 for development.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.envparse import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("PORTAL_DEBUG", False)

DEV_SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production-0123456789"  # noqa: S105 - refused when PORTAL_DEBUG=0
SECRET_KEY = env_str("PORTAL_SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("PORTAL_SECRET_KEY: required when PORTAL_DEBUG=0")
    SECRET_KEY = DEV_SECRET_KEY
elif not DEBUG and (
    SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50
):
    raise ImproperlyConfigured(
        "PORTAL_SECRET_KEY: the development default or a key shorter than 50 characters "
        "cannot be used when PORTAL_DEBUG=0"
    )

# The identity vault of rewarded tips (tips/crypto.py): Fernet keys, comma-separated, the first encrypts and
# all decrypt (rotation). Like the secret key, production refuses to start without one of its own.
DEV_TIP_KEY = "ZGV2LW9ubHktdGlwLWtleS1uZXZlci1pbi1wcm9kISE="
PORTAL_TIP_KEYS = env_list("PORTAL_TIP_KEYS", [])
if not PORTAL_TIP_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("PORTAL_TIP_KEYS: required when PORTAL_DEBUG=0 (Fernet keys, comma-separated)")
    PORTAL_TIP_KEYS = [DEV_TIP_KEY]
elif not DEBUG and DEV_TIP_KEY in PORTAL_TIP_KEYS:
    raise ImproperlyConfigured("PORTAL_TIP_KEYS: the development key cannot be used when PORTAL_DEBUG=0")
# The public tip form's CAPTCHA: its bundled font, no audio (it would need an outside tool), 5 minutes.
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 5
CAPTCHA_FLITE_PATH = None

ALLOWED_HOSTS = env_list("PORTAL_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("PORTAL_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("PORTAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "captcha",  # django-simple-captcha: the public tip form's CAPTCHA, drawn here (no outside service)
    "portal.directory",
    "portal.accounts",
    "portal.campaigns",
    "portal.audit",
    "portal.files",
    "portal.exports",
    "portal.backups",
    "submissions",
    "scoring",
    "review",
    "review.reports",
    "review.experts",
    "review.exhibition",
    "hazards",
    "tips",
    "returns",  # 查保促 returns (issue 17): above hazards and tips, whose records it counts
    "ankang",  # 安康杯 competition (issue 18): above returns, tips, hazards and submissions, whose records it reads
    "demo",  # above every product app: the demo generator uses them all
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security_headers.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body (CSRF reads POST), so an oversized request is refused unread.
    "portal.request_limits.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages, so a timed-out user is told why they must log in again.
    "portal.session_timeouts.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes last, as its documentation requires, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# Widgets render through TEMPLATES, so project templates (templates/directory/widgets/...) are found.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(
            # Health checks: a persistent connection that PostgreSQL dropped (restart, failover) is
            # replaced at the next request instead of answering 500 once per thread (issue 12.6).
            DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL: {exc}") from None
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Several gunicorn threads or a test's concurrent requests write at once; wait instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Client address, login lock-outs, sign-up throttle (issue 12.1, 12.12) ---
# How many proxies of our own (nginx: 1) stand in front of gunicorn; the client's address is read from
# X-Forwarded-For past exactly that many hops (portal.audit.client_ip). 0: REMOTE_ADDR as it is.
PORTAL_TRUSTED_PROXIES = env_int("PORTAL_TRUSTED_PROXIES", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "portal.audit.client_ip.client_ip"
AXES_HANDLER = "portal.accounts.lockout.PortalAxesHandler"
AXES_FAILURE_LIMIT = env_int("PORTAL_LOGIN_FAILURE_LIMIT", 5, minimum=1)
# A short cool-off that doubles with each lock-out of the same user name and address within a day.
PORTAL_LOGIN_COOLOFF_MINUTES = env_int("PORTAL_LOGIN_COOLOFF_MINUTES", 5, minimum=1)
PORTAL_LOGIN_COOLOFF_MAX_MINUTES = env_int("PORTAL_LOGIN_COOLOFF_MAX_MINUTES", 24 * 60, minimum=1)
AXES_COOLOFF_TIME = "portal.accounts.lockout.cool_off"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # remembers the lock-outs that make the next cool-off longer
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# Lock by user name and address together, so one attacker cannot lock a whole workplace behind a NAT.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout.lockout_response"
AXES_VERBOSE = False
# A union office may sign up a room of workers over one Wi-Fi: generous, but not unbounded.
PORTAL_SIGNUPS_PER_ADDRESS = env_int("PORTAL_SIGNUPS_PER_ADDRESS", 20, minimum=1)
PORTAL_SIGNUP_WINDOW_MINUTES = env_int("PORTAL_SIGNUP_WINDOW_MINUTES", 60, minimum=1)
# --- end of client address block ---

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded photos and exports are private: no MEDIA_URL, served only through portal.files' checked view.
MEDIA_ROOT = Path(env_str("PORTAL_MEDIA_ROOT", str(VAR_DIR / "media"))).resolve()
MEDIA_URL = "/private-not-served/"
_static_dirs = (STATIC_ROOT.resolve(), (BASE_DIR / "static").resolve())
if any(folder in (MEDIA_ROOT, *MEDIA_ROOT.parents) for folder in _static_dirs):
    raise ImproperlyConfigured("PORTAL_MEDIA_ROOT: must not be inside a static files directory")

PORTAL_STORAGE = env_choice("PORTAL_STORAGE", "filesystem", ("filesystem", "s3"))
# Seconds a presigned download URL stays valid (PORTAL_SERVE_FILES_WITH=redirect): long enough for the
# browser to follow the 302 at once, too short to be worth passing on.
PORTAL_S3_URL_EXPIRY = env_int("PORTAL_S3_URL_EXPIRY", 60, minimum=5)
if PORTAL_STORAGE == "s3":
    _bucket = env_str("PORTAL_S3_BUCKET")
    if not _bucket:
        raise ImproperlyConfigured("PORTAL_S3_BUCKET: required when PORTAL_STORAGE=s3")
    _default_storage = {
        "BACKEND": "portal.files.storage.PrivateS3Storage",  # botocore errors as OSError
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env_str("PORTAL_S3_ENDPOINT_URL"),
            "access_key": env_str("PORTAL_S3_ACCESS_KEY"),
            "secret_key": env_str("PORTAL_S3_SECRET_KEY"),
            "region_name": env_str("PORTAL_S3_REGION"),
            # Aliyun OSS and Tencent COS answer only virtual-hosted requests (bucket.endpoint); MinIO and
            # moto take either. None lets botocore choose (path style for a custom endpoint).
            "addressing_style": env_choice("PORTAL_S3_ADDRESSING_STYLE", "auto", ("auto", "virtual", "path")),
            # SigV4 everywhere: OSS, COS and MinIO accept it, and presigned URLs then carry an expiry the
            # server enforces.
            "signature_version": "s3v4",
            # The bucket stays private: every object is written private and every URL is signed.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": PORTAL_S3_URL_EXPIRY,
            "file_overwrite": False,
            # django-storages downloads an object into a SpooledTemporaryFile before the first read; its
            # default limit 0 means "never spill", i.e. a whole 20 MB photo in memory. Past this size it
            # goes to a temporary file instead, like an upload (FILE_UPLOAD_MAX_MEMORY_SIZE below).
            "max_memory_size": 2_621_440,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Who sends a private file once portal.files has checked the permission: Django itself, nginx
# (X-Accel-Redirect) or Apache (X-Sendfile) from the media folder, or, with S3, the bucket through a
# short-lived presigned URL (`redirect`, the default there: no app worker is tied up by a 5 MB photo).
PORTAL_SERVE_FILES_WITH = env_choice(
    "PORTAL_SERVE_FILES_WITH", "redirect" if PORTAL_STORAGE == "s3" else "django",
    ("django", "x-accel-redirect", "x-sendfile", "redirect"),
)
if PORTAL_STORAGE == "s3" and PORTAL_SERVE_FILES_WITH in ("x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured("PORTAL_SERVE_FILES_WITH: x-accel-redirect and x-sendfile need PORTAL_STORAGE=filesystem; "
                               "use redirect (presigned URL) or django with S3")
if PORTAL_STORAGE == "filesystem" and PORTAL_SERVE_FILES_WITH == "redirect":
    raise ImproperlyConfigured("PORTAL_SERVE_FILES_WITH=redirect needs PORTAL_STORAGE=s3")
# The internal nginx location that maps to PORTAL_MEDIA_ROOT when X-Accel-Redirect is used.
PORTAL_X_ACCEL_PREFIX = env_str("PORTAL_X_ACCEL_PREFIX", "/_protected/")

# Photos up to 20 MB, one per request from the upload script: files above 2.5 MB stream to a temporary
# file instead of memory. DATA_UPLOAD_MAX_MEMORY_SIZE counts the non-file fields only (forms are small);
# the whole body is capped by PORTAL_MAX_REQUEST_MB (portal.request_limits), like nginx's
# client_max_body_size. Ten files cover the form without JavaScript (a group of at most 4, with margin).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
PORTAL_MAX_REQUEST_MB = env_int("PORTAL_MAX_REQUEST_MB", 25, minimum=1)
# None: the system temporary directory. Django deletes each temporary upload when the request ends.
FILE_UPLOAD_TEMP_DIR = env_str("PORTAL_UPLOAD_TEMP_DIR")
if FILE_UPLOAD_TEMP_DIR is not None and not Path(FILE_UPLOAD_TEMP_DIR).is_dir():
    raise ImproperlyConfigured(f"PORTAL_UPLOAD_TEMP_DIR: not an existing directory: {FILE_UPLOAD_TEMP_DIR!r}")
# Issue 12.7: a full or read-only temporary disk keeps the upload in memory and leaves no tmp*.upload file.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "portal.uploads.DiskFullSafeUploadHandler"]
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- Redis, cache and Celery (issue 12.4/12.5: a Redis outage or a killed worker loses nothing) ---------
REDIS_URL = env_str("REDIS_URL")
# Seconds a request waits for Redis (cache or broker) before it carries on without it.
PORTAL_REDIS_TIMEOUT = env_int("PORTAL_REDIS_TIMEOUT", 2, minimum=1)
if REDIS_URL:
    # portal.cache.ResilientRedisCache: with Redis down a cache read is a miss and a write is skipped, so
    # pages are built without the cache instead of answering 500.
    CACHES = {"default": {"BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": REDIS_URL, "OPTIONS": {
        "socket_connect_timeout": PORTAL_REDIS_TIMEOUT, "socket_timeout": PORTAL_REDIS_TIMEOUT}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# No result backend: nothing reads a task's result from another process (the health check pings the
# workers by broadcast), and a Redis result backend made every queued task wait for Redis again.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# The longest a task may run (a large photo archive export); the worker kills it after this.
CELERY_TASK_TIME_LIMIT = env_int("PORTAL_TASK_TIME_LIMIT", 20 * 60, minimum=60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# A task a killed worker held is redelivered after the visibility timeout: just longer than the longest
# task (not kombu's one hour), so no live task is delivered twice and no dead one waits an hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60,
    "socket_connect_timeout": PORTAL_REDIS_TIMEOUT,
    "socket_timeout": PORTAL_REDIS_TIMEOUT,
}
# Queueing from a request: one short retry, then the request goes on (enqueue_on_commit logs it and
# `requeue_stranded` queues the work again). Workers keep reconnecting as long as it takes.
CELERY_BROKER_CONNECTION_TIMEOUT = PORTAL_REDIS_TIMEOUT
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5,
                                    "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Work queued while Redis was down, or held by a worker that died, counts as stranded after this many
# minutes; the periodic `requeue-stranded` job (and `manage.py requeue_stranded`) queues it again.
PORTAL_REQUEUE_AFTER_MINUTES = env_int("PORTAL_REQUEUE_AFTER_MINUTES", 10, minimum=1)
# Files of deleted or replaced photos stay until the weekly purge; it skips files younger than this.
PORTAL_ORPHAN_MIN_AGE_MINUTES = env_int("PORTAL_ORPHAN_MIN_AGE_MINUTES", 1440, minimum=60)
# Resumable (tus) photo uploads: unfinished uploads live in this private folder (never served), at most
# PORTAL_TUS_MAX_OPEN_UPLOADS per user, and are removed PORTAL_TUS_MAX_AGE_HOURS after they began; the page
# sends chunks of PORTAL_TUS_CHUNK_KB. The size limit is the campaign's own (max_file_mb).
PORTAL_TUS_DIR = Path(env_str("PORTAL_TUS_DIR", str(VAR_DIR / "tus"))).resolve()
PORTAL_TUS_MAX_OPEN_UPLOADS = env_int("PORTAL_TUS_MAX_OPEN_UPLOADS", 10, minimum=1)
PORTAL_TUS_MAX_AGE_HOURS = env_int("PORTAL_TUS_MAX_AGE_HOURS", 24, minimum=1)
PORTAL_TUS_CHUNK_KB = env_int("PORTAL_TUS_CHUNK_KB", 1024, minimum=64)
# Periodic jobs, run by `celery -A portal beat` next to the worker (or the same commands from cron).
CELERY_BEAT_SCHEDULE = {
    "review-digest": {"task": "review.tasks.send_review_digest", "schedule": crontab(hour=8, minute=0)},
    "expert-reminders": {"task": "review.experts.tasks.send_expert_reminders",
                         "schedule": crontab(hour=9, minute=0)},
    "purge-expired-exports": {"task": "portal.exports.tasks.purge_expired_exports", "schedule": crontab(minute=15)},
    "purge-orphan-files": {"task": "portal.backups.tasks.task_purge_orphan_files",
                           "schedule": crontab(day_of_week=0, hour=4, minute=30)},
    "requeue-stranded": {"task": "submissions.tasks.requeue_stranded", "schedule": crontab(minute="*/5")},
    "remove-stale-tus-uploads": {"task": "submissions.tasks.remove_stale_tus_uploads",
                                 "schedule": crontab(minute=40)},
    "hazard-digest": {"task": "hazards.tasks.send_hazard_digest", "schedule": crontab(hour=7, minute=30)},
    "tip-clocks": {"task": "tips.tasks.task_check_tip_clocks", "schedule": crontab(hour=7, minute=0)},
    "remind-returns": {"task": "returns.tasks.task_remind_returns", "schedule": crontab(hour=9, minute=30)},
    "remind-ankang-reports": {"task": "ankang.report_tasks.task_remind_ankang_reports",
                              "schedule": crontab(hour=9, minute=45)},
}
# --- end of Redis, cache and Celery ------------------------------------------------------------------------

EMAIL_HOST = env_str("PORTAL_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("PORTAL_EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("PORTAL_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env_str("PORTAL_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("PORTAL_EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("PORTAL_EMAIL_USE_SSL", False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("PORTAL_EMAIL_USE_TLS and PORTAL_EMAIL_USE_SSL cannot both be on")
else:
    # No mail server configured: mails are written to the log (development, or an intranet without SMTP).
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("PORTAL_DEFAULT_FROM_EMAIL", "随手拍活动 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Absolute lifetime from login, never extended by activity (portal.session_timeouts fixes the expiry at
# login); a session idle for PORTAL_SESSION_IDLE_MINUTES is logged out earlier.
SESSION_COOKIE_AGE = env_int("PORTAL_SESSION_AGE", 8 * 3600, minimum=300)
SESSION_SAVE_EVERY_REQUEST = False
PORTAL_SESSION_IDLE_SECONDS = env_int("PORTAL_SESSION_IDLE_MINUTES", 120, minimum=1) * 60
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Photos are taken with <input type="file" capture>, which opens the phone's camera app and needs no
# camera permission; no page uses getUserMedia or location, so the features are off for every origin.
PORTAL_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"
# No inline script or style anywhere (templates and static JS are written for this); Bootstrap's JS sets
# styles through the CSSOM, which style-src does not restrict. data: is for Bootstrap's SVG icons in CSS,
# blob: for previews of a chosen photo. Private file downloads set their own, stricter sandbox policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
if env_bool("PORTAL_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("PORTAL_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("PORTAL_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("PORTAL_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PORTAL_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("PORTAL_HSTS_PRELOAD", True)

# Every record is printed once, by root's handler. Django's default config also gives the "django" logger
# a console handler of its own (when DEBUG), so each django.* line ("Not Found: …", the autoreloader's)
# was printed twice; here "django" only propagates. Naming "django" resets its children, so the
# runserver request log ("django.server") gets back Django's own handler and format, and stops there.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}",
                          "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env_choice(
        "PORTAL_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")
    )},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
