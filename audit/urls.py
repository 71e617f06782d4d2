from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_list, name="list"),
    path("people/<int:person_id>/", views.person_audit, name="person"),
    path("<str:model>/<int:object_id>/", views.object_audit, name="object"),
]
