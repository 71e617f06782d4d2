from assessments import dashboard_urls, journey_urls

app_name = "assessments"

urlpatterns = journey_urls.urlpatterns + dashboard_urls.urlpatterns
