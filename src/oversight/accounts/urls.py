from django.urls import path

from oversight.accounts.idle import keep_alive
from oversight.accounts.views import SignInView, SignOutView

urlpatterns = [
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", SignOutView.as_view(), name="logout"),
    path("session/keep-alive/", keep_alive, name="keep-alive"),
]
