"""Settings for ddat-capability. Every value comes from the environment through config.env."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set the SECRET_KEY environment variable: it is required when DEBUG is off. "
            "For local development set DEBUG=true (make run does this for you)."
        )
    SECRET_KEY = "development-only-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

ORGANISATION_NAME = env_str("ORGANISATION_NAME", "Example Council")
SERVICE_NAME = "Digital capability self-assessment"
SMALL_GROUP_THRESHOLD = env_int("SMALL_GROUP_THRESHOLD", 5)
if SMALL_GROUP_THRESHOLD < 1:
    raise ImproperlyConfigured("SMALL_GROUP_THRESHOLD must be 1 or more.")
# Leavers' names, email addresses and everything they wrote are removed this many months after
# they leave (personal_data.services); their levels stay only inside the published figures.
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 24)
if RETENTION_MONTHS < 1:
    raise ImproperlyConfigured("RETENTION_MONTHS must be 1 or more.")
# The framework pages (capability) show the version people are assessed on: while a cycle is
# open, the one it opened with. Cycles live above capability, so it asks through this name.
FRAMEWORK_IN_USE_CALLABLE = "assessments.selectors.framework_in_use"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "csp",
    "auditlog",
    "common",
    "outbox",
    "capability",
    "people",
    "assessments",
    "insights",
    "development",
    "okrs",
    "roadmap",
    "reports",
    "audit",
    "personal_data",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.middleware.PrivatePagesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Figures are protected for the signed-in reader (insights.privacy, rule 6).
    "insights.viewer.ReaderMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # Records who made each change for the audit trail (after authentication).
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
                "people.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "people.auth.EmailBackend",
]
# Argon2 is the hasher Django recommends; PBKDF2 costs about 0.5 s of CPU per sign-in on a
# 2-core server, which dominates when many staff sign in at once. Older hashes still verify and
# are upgraded to Argon2 at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after this many minutes without a request; pages warn before it happens.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# A proxy that terminates TLS (BEHIND_PROXY) is trusted for X-Forwarded-Proto and for the
# client's address in X-Forwarded-For; TRUSTED_PROXY_COUNT is how many proxies append to it.
# Only set these when the app cannot be reached except through the proxy.
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1) if BEHIND_PROXY else 0

# django-axes: lock an account out for an hour after 5 failures from one address. Only that
# account from that address is locked, so nobody can lock a colleague out from elsewhere; a
# completed password reset unlocks it (people.auth_views).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The sign-in form names its email field "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
# Failures count under the lower-case email, so changing its case does not evade the lock.
AXES_USERNAME_CALLABLE = "people.auth.axes_username"
# Behind the proxy, REMOTE_ADDR is the proxy's: without this every failure would count against
# one address, and five of them would lock the account out from everywhere.
AXES_CLIENT_IP_CALLABLE = "people.auth.client_ip_address"

# Reset links asked for in an hour, per email address and per client address.
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 5)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 20)

# Single sign-on through OpenID Connect (Microsoft Entra ID or any provider), by
# mozilla-django-oidc with people.oidc. On when an issuer (or an Entra ID tenant) and a client id
# are set. The provider's endpoints come from its discovery document, fetched at the first
# sign-in, unless OIDC_OP_* name them. People are matched by email to those the HR import made.
OIDC_TENANT = env_str("OIDC_TENANT")
OIDC_ISSUER = env_str(
    "OIDC_ISSUER", f"https://login.microsoftonline.com/{OIDC_TENANT}/v2.0" if OIDC_TENANT else ""
).rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "your organisation's account")
# Group claims that make someone Head of digital or Leadership (ids or names, comma-separated).
# When set, membership of that group follows the claim at every sign-in; unset, it is left alone.
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_HEAD_OF_DIGITAL_GROUPS = env_list("OIDC_HEAD_OF_DIGITAL_GROUPS", [])
OIDC_LEADERSHIP_GROUPS = env_list("OIDC_LEADERSHIP_GROUPS", [])
OIDC_ENABLED = bool(OIDC_ISSUER and OIDC_RP_CLIENT_ID)
if bool(OIDC_ISSUER) != bool(OIDC_RP_CLIENT_ID):
    raise ImproperlyConfigured(
        "Single sign-on needs both OIDC_CLIENT_ID and OIDC_ISSUER (or OIDC_TENANT); "
        "set both, or neither to sign in by password only."
    )
if OIDC_ENABLED and not OIDC_RP_CLIENT_SECRET:
    raise ImproperlyConfigured("Set OIDC_CLIENT_SECRET: single sign-on is configured without it.")
if OIDC_ENABLED and "openid" not in OIDC_RP_SCOPES.split():
    raise ImproperlyConfigured("OIDC_SCOPES must include openid.")
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("people.oidc.StaffOIDCBackend")
OIDC_CREATE_USER = False  # nobody registers themselves: the HR import says who works here
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10  # seconds to wait for the provider, well inside gunicorn's 30
LOGIN_REDIRECT_URL_FAILURE = "login"
# Off: staff sign in only through single sign-on; superusers keep /sign-in/administrator/.
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", default=True)
if not PASSWORD_SIGN_IN and not OIDC_ENABLED:
    raise ImproperlyConfigured(
        "PASSWORD_SIGN_IN=false needs single sign-on (OIDC_ISSUER or OIDC_TENANT, and "
        "OIDC_CLIENT_ID): otherwise only superusers could sign in."
    )

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# No URL serves MEDIA_ROOT: report files are only downloaded through a view that checks
# permission. (MEDIA_URL must still be a path for Django's test server.)
MEDIA_URL = "/private-files/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: the console in development; otherwise GOV.UK Notify when its key is set, else SMTP.
# Every email goes through the outbox (outbox/), which the worker sends and retries.
GOVUK_NOTIFY_API_KEY = env_str("GOVUK_NOTIFY_API_KEY")
# A Notify email template whose subject is ((subject)) and whose body is ((body)).
GOVUK_NOTIFY_TEMPLATE_ID = env_str("GOVUK_NOTIFY_TEMPLATE_ID")
GOVUK_NOTIFY_BASE_URL = env_str("GOVUK_NOTIFY_BASE_URL")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "outbox.notify.NotifyEmailBackend"
    if GOVUK_NOTIFY_API_KEY
    else "django.core.mail.backends.smtp.EmailBackend",
)
# Seconds to wait for the relay (SMTP or Notify) before trying again later.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "capability@example.org")
SERVICE_URL = env_str("SERVICE_URL", "http://127.0.0.1:8000")
# Where people write about access problems, other formats and their data (accessibility
# statement, privacy notice). Unset: the pages say to contact the organisation's digital team.
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL")

REDIS_URL = env_str("REDIS_URL")
# The cache holds rate-limit counts, which must be shared by every web worker: Redis when there
# is one, otherwise each process's own memory (development and tests).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "cache",
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Celery: with no REDIS_URL every task runs at once, in the caller's process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# With tasks eager and DEBUG on (make run), a report is built in a thread of the web process, so
# asking for one returns at once and its page shows the build's progress (reports.services).
REPORTS_BUILD_IN_A_THREAD = env_bool(
    "REPORTS_BUILD_IN_A_THREAD", default=CELERY_TASK_ALWAYS_EAGER and DEBUG
)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = 50
# Every task: a soft limit (the task can record why it stopped) and a hard one (the worker
# process is killed). The longest task is a report build, well inside 4 minutes at 20,000 staff.
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
# Redis hands a task that is not acknowledged within the visibility timeout to another worker,
# so it must exceed the longest time a worker may hold one: the longest retry wait (a retried
# task is held until its countdown ends; reports' longest is 80 s) plus the hard time limit,
# 380 s. 600 s leaves room. It need not be longer: a worker that dies mid-build is found by its
# silent heartbeat and the build queued again by beat (reports.tasks.recover_reports) within
# about two minutes, without waiting for Redis to redeliver the message.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_BEAT_SCHEDULE = {
    # Send the outbox's due emails every minute, in case a hand-off after a change was lost.
    "send-due-emails": {
        "task": "outbox.tasks.send_due_emails",
        "schedule": 60.0,
    },
    # The text of emails sent more than 30 days ago is not kept (the record that they went is).
    "forget-old-email-bodies": {
        "task": "outbox.tasks.forget_old_bodies",
        "schedule": crontab(hour=3, minute=30),
    },
    # Queue the invitations of a cycle that opened while the broker was down.
    "queue-pending-invitations": {
        "task": "assessments.tasks.queue_pending_invitations",
        "schedule": 60.0,
    },
    # Reminders 7 and 2 days before a cycle closes, and closing cycles past their date.
    "daily-cycle-housekeeping": {
        "task": "assessments.tasks.daily_cycle_housekeeping",
        "schedule": crontab(hour=6, minute=0),
    },
    # On the same days, remind people whose mandatory learning is overdue.
    "remind-overdue-mandatory-learning": {
        "task": "development.tasks.remind_overdue_mandatory_learning",
        "schedule": crontab(hour=6, minute=5),
    },
    # Publish changed assessments every minute, in case a nudge after a change was lost.
    "apply-figure-changes": {
        "task": "insights.tasks.apply_changes",
        "schedule": 60.0,
    },
    # Put right changes made outside the services (the Django admin, a shell) in open cycles.
    "rebuild-open-cycle-figures": {
        "task": "insights.tasks.rebuild_open_cycles",
        "schedule": crontab(hour=5, minute=30),
    },
    # Delete sessions that have expired: nothing else removes them from the session table.
    "daily-session-housekeeping": {
        "task": "people.tasks.clear_expired_sessions",
        "schedule": crontab(hour=4, minute=0),
    },
    # Queue again report builds whose worker went quiet or that no worker has claimed, and
    # delete stored report files that no report refers to.
    "recover-reports": {
        "task": "reports.tasks.recover_reports",
        "schedule": 60.0,
    },
    # The organisation report for each cycle that has closed and has none yet.
    "queue-closed-cycle-reports": {
        "task": "reports.tasks.queue_closed_cycle_reports",
        "schedule": crontab(hour=6, minute=30),
    },
    # Anonymise people who left more than RETENTION_MONTHS ago (the privacy notice says so).
    "anonymise-leavers": {
        "task": "personal_data.tasks.anonymise_leavers",
        "schedule": crontab(hour=2, minute=30),
    },
}

# The audit trail (django-auditlog): who changed what, when, before and after, for these models.
# Heads of digital read it in the service (audit/); nobody can edit it there.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "assessments.rating",
        "include_fields": [
            "level",
            "evidence",
            "agreed_level",
            "manager_comment",
            "review_state",
            "proposed_level",
            "reply",
        ],
    },
    {
        "model": "assessments.assessment",
        "include_fields": ["status", "reviewed_by", "team", "tier", "role_profile"],
    },
    {"model": "assessments.cycle", "exclude_fields": ["created_at"]},
    {"model": "capability.framework", "exclude_fields": ["created_at"]},
    "capability.roleprofile",
    "capability.roletarget",
    {
        "model": "people.user",
        "include_fields": ["email", "full_name", "is_active", "is_staff", "is_superuser"],
        "m2m_fields": ["groups"],
    },
    {"model": "people.staffprofile", "exclude_fields": ["updated_at"]},
    {
        "model": "people.peopleimport",
        "exclude_fields": ["text", "created_at"],
        "m2m_fields": ["deactivated_people"],
    },
    {
        "model": "reports.report",
        "include_fields": ["status", "key_messages", "commentary", "decisions_sought"],
    },
    {"model": "development.learningresource", "exclude_fields": ["created_at", "updated_at"]},
    {
        "model": "development.developmentplan",
        # Like an assessment's status: no free text (the comment is the person's to read).
        "include_fields": ["status", "decided_by"],
    },
)
# Client addresses are not kept: the trail says who, not from where.
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_STORE_JSON_CHANGES = True
# A changed level reads "3 Practitioner", not a row id.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

# Security headers. CSP allows nothing inline: scripts and styles are files we serve.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for each organisation's domain, not for this product.
    "security.W021",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
AXES_VERBOSE = False
