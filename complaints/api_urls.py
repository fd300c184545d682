from django.urls import path

from complaints import apis

urlpatterns = [
    path("inquiries/", apis.InquirySubmitApi.as_view(), name="inquiry-submit"),
    path("inquiries/categories/", apis.CategoryListApi.as_view(), name="inquiry-categories"),
    path("inquiries/<str:tracking_code>/", apis.InquiryTrackApi.as_view(), name="inquiry-track"),
    path("inquiries/<str:tracking_code>/answer/", apis.InquiryAnswerApi.as_view(), name="inquiry-answer"),
    path("faq/", apis.FaqListApi.as_view(), name="faq-list"),
]
