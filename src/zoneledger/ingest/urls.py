from django.urls import path  # noqa: F401  (filled in by the app's views)

app_name = "ingest"
urlpatterns = []
