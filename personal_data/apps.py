from django.apps import AppConfig


class PersonalDataConfig(AppConfig):
    name = "personal_data"
    verbose_name = "Personal data: what is held about a person, retention and erasure"
