from django.urls import path

from outbox import views

app_name = "outbox"

urlpatterns = [
    path("", views.email_list, name="list"),
    path("retry-failed/", views.email_retry_failed, name="retry_failed"),
    path("<int:email_id>/retry/", views.email_retry, name="retry"),
]
