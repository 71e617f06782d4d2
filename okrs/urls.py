from django.urls import path

from okrs import views

app_name = "okrs"

urlpatterns = [
    path("", views.objective_list, name="list"),
    path("objectives/new/", views.objective_create, name="objective_create"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path(
        "objectives/<int:pk>/key-results/new/",
        views.key_result_create,
        name="key_result_create",
    ),
    path("key-results/<int:pk>/edit/", views.key_result_edit, name="key_result_edit"),
    path("key-results/<int:pk>/check-in/", views.check_in, name="check_in"),
]
