from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("", views.roadmap_list, name="list"),
    path("timeline/", views.timeline, name="timeline"),
    path("unaddressed-gaps/", views.unaddressed, name="unaddressed"),
    path("initiatives/new/", views.initiative_create, name="initiative_create"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative"),
    path("initiatives/<int:pk>/edit/", views.initiative_edit, name="initiative_edit"),
    path(
        "initiatives/<int:pk>/milestones/new/",
        views.milestone_create,
        name="milestone_create",
    ),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
]
