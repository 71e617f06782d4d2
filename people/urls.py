from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("import/", views.people_import_view, name="import"),
]
