from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "vigil.sharing"
    verbose_name = "Sharing and access policy"
