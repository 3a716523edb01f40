from django.urls import include, path

from payments import views

app_name = "payments"

urlpatterns = [
    path("", views.my_payments, name="mine"),
    path("ho-so/<str:code>/", views.dossier_payment, name="dossier"),
    path("vnpay/ket-qua/", views.vnpay_return, name="vnpay_return"),
    path("vnpay/ipn/", views.vnpay_ipn, name="vnpay_ipn"),
    path("giao-dich/<uuid:uuid>/", views.payment_detail, name="detail"),
    path("giao-dich/<uuid:uuid>/bien-lai.pdf", views.receipt, name="receipt"),
    path("giao-dich/<uuid:uuid>/hoan-tien/", views.refund, name="refund"),
    path("can-bo/ho-so/<str:code>/", views.staff_dossier, name="staff_dossier"),
    path("can-bo/bao-cao-doi-soat/", views.daily_report, name="daily_report"),
    path("gia-lap/", include("payments.simulator.urls")),
]
