from assessments import journey_urls

app_name = "assessments"

urlpatterns = journey_urls.urlpatterns
