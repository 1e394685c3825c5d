from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "oversight.accounts"

    def ready(self) -> None:
        from oversight.accounts import signals  # noqa: F401  (connects the lock-out audit)
