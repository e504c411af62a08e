from django.urls import path

from search.hotspots import views

app_name = "hotspots"

urlpatterns = [
    path("hotspots/", views.hotspots_page, name="page"),
]
