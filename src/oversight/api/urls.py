from django.urls import path

from oversight.api import views
from oversight.api.api import api, docs, schema

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/schema/", schema, name="api-schema"),
    path("api/docs/", docs, name="api-docs"),
    path("account/api-tokens/", views.personal_tokens, name="api-tokens"),
    path(
        "account/api-tokens/<int:token_id>/revoke/", views.revoke_personal, name="api-token-revoke"
    ),
    path("settings/service-tokens/", views.service_tokens_page, name="service-tokens"),
    path(
        "settings/service-tokens/<int:token_id>/revoke/",
        views.revoke_service,
        name="service-token-revoke",
    ),
]
