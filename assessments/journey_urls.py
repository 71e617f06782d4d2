from django.urls import URLPattern, path

from assessments import views

urlpatterns: list[URLPattern] = [
    path("mine/", views.mine, name="mine"),
    path("mine/start/", views.start, name="start"),
    path("mine/<int:assessment_id>/", views.task_list, name="task_list"),
    path("mine/<int:assessment_id>/areas/<slug:area_slug>/", views.area, name="area"),
    path("mine/<int:assessment_id>/check/", views.check, name="check"),
    path("mine/<int:assessment_id>/submitted/", views.confirmation, name="confirmation"),
    path("results/", views.results, name="results"),
    path("results/<int:assessment_id>/", views.results_for, name="results_for"),
    path("team/", views.team, name="team"),
    path("review/<int:assessment_id>/", views.review, name="review"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<int:cycle_id>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:cycle_id>/open/", views.cycle_open, name="cycle_open"),
    path("cycles/<int:cycle_id>/close/", views.cycle_close, name="cycle_close"),
]
