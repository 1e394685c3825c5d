from django.urls import path

from oversight.policy import views

urlpatterns = [path("settings/policy/", views.policy, name="policy")]
