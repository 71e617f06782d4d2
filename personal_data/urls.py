from django.urls import path

from personal_data import views

app_name = "personal_data"

urlpatterns = [
    path("your-data/", views.your_data, name="mine"),
    path("your-data/download/", views.your_data_download, name="mine_download"),
    path("manage/people/personal-data/", views.person_find, name="find"),
    path("manage/people/<int:person_id>/personal-data/", views.person_data, name="person"),
    path(
        "manage/people/<int:person_id>/personal-data/download/",
        views.person_data_download,
        name="person_download",
    ),
    path("manage/people/<int:person_id>/erase/", views.person_erase, name="erase"),
]
