from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/build-again/", views.report_retry, name="retry"),
    path("<int:report_id>/key-messages/", views.report_write, name="write"),
    path("<int:report_id>/download/", views.report_download, name="download"),
]
