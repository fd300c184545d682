from django.urls import path

from ratings import views

app_name = "ratings"

urlpatterns = [
    path("", views.public_stats, name="public_stats"),
    path("rate/<str:token>/", views.rate, name="rate"),
    path("status/<str:token>/", views.rating_status, name="status"),
]
