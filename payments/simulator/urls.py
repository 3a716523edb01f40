from django.urls import path

from payments.simulator import views

urlpatterns = [
    path("paymentv2/vpcpay.html", views.pay_page, name="simulator_pay"),
    path("paymentv2/<str:transaction_no>/", views.pay_submit, name="simulator_submit"),
    path("merchant_webapi/api/transaction", views.merchant_api, name="simulator_api"),
]
