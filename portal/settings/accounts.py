"""Accounts: the user model, allauth (local sign-in), MFA, brute-force limits and staff sessions
(docs/accounts.md)."""

from portal.settings.core import env

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:my_page"
ACCOUNT_LOGOUT_REDIRECT_URL = "portal:home"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
# Brute-force throttling: failed logins are limited per IP and per account (allauth's "key").
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="20/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# allauth ships no Vietnamese catalogue: these forms and adapters give its pages Vietnamese labels
# and messages (see docs/accounts.md). Nothing here depends on the deployment.
ACCOUNT_FORMS = {
    "login": "accounts.auth_forms.LoginForm",
    "signup": "accounts.auth_forms.SignupForm",
    "reset_password": "accounts.auth_forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.auth_forms.ResetPasswordKeyForm",
    "change_password": "accounts.auth_forms.ChangePasswordForm",
    "reauthenticate": "accounts.auth_forms.ReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Cổng DVC Tây Ninh")
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "accounts.auth_forms.MFAAuthenticateForm",
    "reauthenticate": "accounts.auth_forms.MFAReauthenticateForm",
    "activate_totp": "accounts.auth_forms.ActivateTOTPForm",
}
# Staff sessions end after this many idle seconds (citizens keep the browser-session default).
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
