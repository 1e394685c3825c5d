from django.urls import path

from oversight.accounts.break_glass_views import break_glass
from oversight.accounts.idle import keep_alive
from oversight.accounts.sso import sso_callback, sso_start
from oversight.accounts.views import SignInView, SignOutView

urlpatterns = [
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-in/sso/", sso_start, name="sso-start"),
    path("sign-in/sso/callback/", sso_callback, name="sso-callback"),
    path("sign-out/", SignOutView.as_view(), name="logout"),
    path("session/keep-alive/", keep_alive, name="keep-alive"),
    path("break-glass/", break_glass, name="break-glass"),
]
