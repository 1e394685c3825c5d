"""Settings from environment variables, with safe defaults for the local demo.

Production sets OVERSIGHT_ENV=production, which turns on every secure default and refuses to
start without a real SECRET_KEY and ALLOWED_HOSTS (see docs/admin-guide.md).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OVERSIGHT_VAR_DIR", Path.cwd() / "var"))

PRODUCTION = os.environ.get("OVERSIGHT_ENV", "demo") == "production"
DEBUG = os.environ.get("OVERSIGHT_DEBUG", "0" if PRODUCTION else "1") == "1"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY in production.")
    # Demo only: a key that is obviously not secret and never valid in production.
    SECRET_KEY = "demo-insecure-" + "x" * 50

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h] or (
    [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "oversight.accounts",
    "oversight.audit",
    "oversight.policy",
    "oversight.people",
    "oversight.cases",
    "oversight.supervision",
    "oversight.actionplan",
    "oversight.demo",
    "oversight.reports",
    "oversight.interchange",
    "oversight.allocation",
    "oversight.alerts",
    "oversight.api",
    # django-ninja: the REST API; listed so its Swagger UI files are served from this site.
    "ninja",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oversight.config.middleware.ContentSecurityPolicyMiddleware",
    # After authentication: both act on what a signed-in user was sent.
    "oversight.config.middleware.NoStoreMiddleware",
    "oversight.config.middleware.DeniedAccessAuditMiddleware",
    "oversight.accounts.idle.IdleTimeoutMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oversight.config.urls"
WSGI_APPLICATION = "oversight.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oversight.accounts.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'oversight.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a management command writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    # The demo keeps its SQLite file and collected static files here; create it on first run.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production, serve straight from the source folders (no collectstatic step).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Uploaded evidence documents: kept under var/, never served directly (the action page streams
# them to users who may see the plan).
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/evidence-files/"

# The council's name in the page header (its own branding, never the crown).
OVERSIGHT_COUNCIL_NAME = os.environ.get("OVERSIGHT_COUNCIL_NAME", "")

# Imports: the largest file accepted, where uploads wait to be imported (never served), and
# whether uploads are imported in a background thread (off in tests, which need one transaction).
OVERSIGHT_IMPORT_MAX_MB = int(os.environ.get("OVERSIGHT_IMPORT_MAX_MB", "100"))
OVERSIGHT_IMPORT_DIR = VAR_DIR / "imports"
OVERSIGHT_IMPORTS_IN_BACKGROUND = os.environ.get("OVERSIGHT_IMPORTS_IN_BACKGROUND", "1") == "1"

# The REST API (docs/api.md): requests one token may make each minute, the largest request body
# it accepts (the nightly feed), and the longest a token may be made to last.
OVERSIGHT_API_REQUESTS_PER_MINUTE = int(os.environ.get("OVERSIGHT_API_REQUESTS_PER_MINUTE", "300"))
OVERSIGHT_API_MAX_BODY_MB = int(os.environ.get("OVERSIGHT_API_MAX_BODY_MB", "50"))
OVERSIGHT_API_TOKEN_MAX_DAYS = int(os.environ.get("OVERSIGHT_API_TOKEN_MAX_DAYS", "365"))

# Reports (docs/reports.md): where generated reports are archived (never served directly), and
# the schedule `oversight reports run --due` follows: monthly audits on this working day of the
# month, the MI pack every other Monday counted from this Monday.
OVERSIGHT_REPORT_DIR = Path(os.environ.get("OVERSIGHT_REPORT_DIR", VAR_DIR / "reports"))
OVERSIGHT_MONTHLY_AUDIT_WORKING_DAY = int(
    os.environ.get("OVERSIGHT_MONTHLY_AUDIT_WORKING_DAY", "1")
)
OVERSIGHT_MI_PACK_FIRST_MONDAY = os.environ.get("OVERSIGHT_MI_PACK_FIRST_MONDAY", "2024-01-08")
# Small numbers (issue 9, data minimisation): in an MI pack for a locality or the council, which
# leaves the team's scope, counts from 1 to this (and rates made from them) show as [c]. 0: off.
OVERSIGHT_SMALL_NUMBERS = int(os.environ.get("OVERSIGHT_SMALL_NUMBERS", "5"))

# Email alerts (oversight.alerts): `oversight alerts send` emails each user's digest. By default
# (and in the demo) each email is written as a file under var/outbox/ instead of being sent;
# OVERSIGHT_EMAIL_BACKEND=smtp sends through EMAIL_HOST (docs/alerts.md).
EMAIL_BACKENDS = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}
_email_backend = os.environ.get("OVERSIGHT_EMAIL_BACKEND", "file")
if _email_backend not in EMAIL_BACKENDS:
    raise ImproperlyConfigured("OVERSIGHT_EMAIL_BACKEND must be file, smtp or console.")
EMAIL_BACKEND = EMAIL_BACKENDS[_email_backend]
EMAIL_FILE_PATH = Path(os.environ.get("OVERSIGHT_OUTBOX", VAR_DIR / "outbox"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_TIMEOUT = 30  # seconds: a stuck mail server must not hang the daily run
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "oversight@localhost")
# Where the emails' links point: the address people use to reach Oversight.
OVERSIGHT_SITE_URL = os.environ.get("OVERSIGHT_SITE_URL", "http://127.0.0.1:8000")

# Sessions end when the browser closes, after OVERSIGHT_IDLE_MINUTES without a request, and
# OVERSIGHT_SESSION_HOURS after signing in whatever happens (oversight.accounts.idle, which warns
# first); cookies are never readable by scripts.
OVERSIGHT_SESSION_HOURS = int(os.environ.get("OVERSIGHT_SESSION_HOURS", "10"))
SESSION_COOKIE_AGE = OVERSIGHT_SESSION_HOURS * 60 * 60
# Sign-in lock-out (django-axes): after this many failures for one username from one address,
# that pair is locked out for the cool-off time; a successful sign-in resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("OVERSIGHT_SIGN_IN_ATTEMPTS", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("OVERSIGHT_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# And after this many minutes without a request (oversight.accounts.idle), with a warning first.
OVERSIGHT_IDLE_MINUTES = int(os.environ.get("OVERSIGHT_IDLE_MINUTES", "30"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Break-glass access to a case outside the user's reach lasts this long (accounts.break_glass).
OVERSIGHT_BREAK_GLASS_HOURS = int(os.environ.get("OVERSIGHT_BREAK_GLASS_HOURS", "4"))

# Optional single sign-on through OpenID Connect (accounts.sso; docs/security.md). Setting
# OVERSIGHT_OIDC_CLIENT_ID switches it on; the rest must then be set too. For Microsoft Entra ID,
# OVERSIGHT_OIDC_TENANT fills in the provider's addresses; any other provider gives them itself.
_oidc_tenant = os.environ.get("OVERSIGHT_OIDC_TENANT", "")
_entra = f"https://login.microsoftonline.com/{_oidc_tenant}" if _oidc_tenant else ""
OIDC_RP_CLIENT_ID = os.environ.get("OVERSIGHT_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OVERSIGHT_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get(
    "OVERSIGHT_OIDC_AUTHORIZATION_ENDPOINT", f"{_entra}/oauth2/v2.0/authorize" if _entra else ""
)
OIDC_OP_TOKEN_ENDPOINT = os.environ.get(
    "OVERSIGHT_OIDC_TOKEN_ENDPOINT", f"{_entra}/oauth2/v2.0/token" if _entra else ""
)
OIDC_OP_USER_ENDPOINT = os.environ.get(
    "OVERSIGHT_OIDC_USERINFO_ENDPOINT",
    "https://graph.microsoft.com/oidc/userinfo" if _entra else "",
)
OIDC_OP_JWKS_ENDPOINT = os.environ.get(
    "OVERSIGHT_OIDC_JWKS_ENDPOINT", f"{_entra}/discovery/v2.0/keys" if _entra else ""
)
OIDC_RP_SIGN_ALGO = os.environ.get("OVERSIGHT_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # an administrator gives every account and role; never the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?sso_failed=1"
OVERSIGHT_OIDC_BUTTON = os.environ.get("OVERSIGHT_OIDC_BUTTON", "Sign in with Microsoft")
OVERSIGHT_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OVERSIGHT_OIDC_ENABLED:
    _oidc_missing = [
        name
        for name, value in {
            "OVERSIGHT_OIDC_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
            "OVERSIGHT_OIDC_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
            "OVERSIGHT_OIDC_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
            "OVERSIGHT_OIDC_USERINFO_ENDPOINT": OIDC_OP_USER_ENDPOINT,
            # Signed with the provider's published keys (RS256, ES256), not the client secret.
            "OVERSIGHT_OIDC_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT or OIDC_RP_SIGN_ALGO[:2] == "HS",
        }.items()
        if not value
    ]
    if _oidc_missing:
        raise ImproperlyConfigured(
            "Single sign-on is half set up: set OVERSIGHT_OIDC_TENANT (Microsoft Entra ID) or "
            + ", ".join(_oidc_missing)
        )
    AUTHENTICATION_BACKENDS.append("oversight.accounts.sso.SingleSignOnBackend")

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
