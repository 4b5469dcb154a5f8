from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "vigil.consultations"
    verbose_name = "Consultations"
