from django.urls import path

from oversight.alerts import views

urlpatterns = [path("account/email-alerts/", views.email_alerts, name="email-alerts")]
