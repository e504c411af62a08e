from django.urls import path

from complaints.consumers import CaseTrackingConsumer

websocket_urlpatterns = [
    path("ws/track/<str:tracking_code>/", CaseTrackingConsumer.as_asgi()),
]
