from django.urls import URLPattern, path

from assessments.views import career, cycles, journey, results, review

urlpatterns: list[URLPattern] = [
    path("mine/", journey.mine, name="mine"),
    path("mine/start/", journey.start, name="start"),
    path("mine/<int:assessment_id>/", journey.task_list, name="task_list"),
    path("mine/<int:assessment_id>/areas/<slug:area_slug>/", journey.area, name="area"),
    path("mine/<int:assessment_id>/check/", journey.check, name="check"),
    path("mine/<int:assessment_id>/submitted/", journey.confirmation, name="confirmation"),
    path("results/", results.results, name="results"),
    path("career/", career.career, name="career"),
    path("results/<int:assessment_id>/", results.results_for, name="results_for"),
    path("results/<int:assessment_id>/answer/", results.respond, name="respond"),
    path("team/", review.team, name="team"),
    path("review/<int:assessment_id>/", review.review, name="review"),
    path("cycles/", cycles.cycles, name="cycles"),
    path("cycles/new/", cycles.cycle_create, name="cycle_create"),
    path("cycles/<int:cycle_id>/", cycles.cycle_detail, name="cycle_detail"),
    path("cycles/<int:cycle_id>/open/", cycles.cycle_open, name="cycle_open"),
    path("cycles/<int:cycle_id>/close/", cycles.cycle_close, name="cycle_close"),
    path("cycles/<int:cycle_id>/reopen/", cycles.cycle_reopen, name="cycle_reopen"),
    path("cycles/<int:cycle_id>/invite/", cycles.cycle_invite, name="cycle_invite"),
]
