from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("inquiries/", views.inquiry_submit, name="submit"),
    path("inquiries/track/", views.tracking_lookup, name="track-lookup"),
    path("inquiries/track/<str:tracking_code>/<str:token>/", views.tracking_page, name="track"),
    path("faq/", views.faq, name="faq"),
]
