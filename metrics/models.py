"""The index's stored facts: one row per received dossier (`DossierFact`), kept current by the
periodic task `metrics.tasks.facts_refresh`, so a year's index for every agency is one indexed
aggregate query instead of a walk over millions of events (ADR 0140)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierFact(models.Model):
    """What the QĐ 766 formulas need to know about one dossier (see `metrics.facts.Facts`).

    Time-bound facts are kept as instants (reception, end, supplements, completion) so a period
    can be judged at its own end; the rest are flags. No personal data: codes and flags only.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    level = models.CharField(_("cấp"), max_length=10, blank=True)
    channel_code = models.PositiveSmallIntegerField(_("kênh (KenhThucHien)"))
    procedure_code = models.CharField(_("mã thủ tục"), max_length=32)
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=16, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lần đầu lúc"))
    due_ref = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    end_at = models.DateTimeField(_("kết thúc xử lý lúc"), null=True, blank=True)
    supp1_start = models.DateTimeField(null=True, blank=True)
    supp1_end = models.DateTimeField(null=True, blank=True)
    supp2_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    result_positive = models.BooleanField(default=False)
    e_result = models.BooleanField(default=False)
    processing_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    processing_wd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    digitised = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    from_store = models.BooleanField(default=False)
    vneid = models.BooleanField(default=False)
    individual = models.BooleanField(default=True)
    fee_bearing = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    disliked = models.BooleanField(default=False)
    civil_servant = models.BooleanField(default=False)
    rated = models.BooleanField(_("có đánh giá hoặc phản ánh"), default=False)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dữ kiện chỉ số của hồ sơ")
        verbose_name_plural = _("dữ kiện chỉ số của hồ sơ")
        indexes = [
            models.Index(fields=["received_at", "agency"], name="metrics_fact_received_idx"),
            models.Index(fields=["agency", "received_at"], name="metrics_fact_agency_idx"),
            # The part of a period not yet in DailyFact: dossiers ended since the month began...
            models.Index(fields=["end_at", "received_at"], name="metrics_fact_end_idx"),
            # ... and the open ones.
            models.Index(
                fields=["received_at"],
                condition=models.Q(end_at__isnull=True),
                name="metrics_fact_open_idx",
            ),
            # 3.2: does this procedure have an online dossier in the period? (an index probe)
            models.Index(
                fields=["procedure_code", "received_at"],
                condition=models.Q(channel_code=2),
                name="metrics_fact_online_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.procedure_code}"


class RefreshState(models.Model):
    """When the facts were last brought up to date (one row)."""

    name = models.CharField(max_length=32, unique=True, default="facts")
    last_run_at = models.DateTimeField(null=True, blank=True)
    # The history is append-only with increasing ids: every event after this one is new work.
    last_event_id = models.BigIntegerField(default=0)
    last_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("lần cập nhật chỉ số")
        verbose_name_plural = _("lần cập nhật chỉ số")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_run_at}"


class DailyFact(models.Model):
    """The facts summed per (local reception day, agency, month the dossier ended), with each
    dossier's *final* contributions. A period judged at instant P takes the rows of dossiers that
    ended before P's month from here, and the few others (open, or ended in P's month) from
    `DossierFact` — so a year for every agency reads a few hundred thousand rows at most
    (ADR 0140). Kept by `metrics.services.facts_store`, rebuilt nightly."""

    received_on = models.DateField(_("ngày tiếp nhận"))
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # First day of the local month the dossier ended in; null while it is open.
    end_month = models.DateField(_("tháng kết thúc"), null=True, blank=True)
    received = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    completed_wd_n = models.PositiveIntegerField(default=0)
    completed_wd_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    online = models.PositiveIntegerField(default=0)
    counter = models.PositiveIntegerField(default=0)
    postal = models.PositiveIntegerField(default=0)
    online_e_result = models.PositiveIntegerField(default=0)
    result_expected = models.PositiveIntegerField(default=0)
    e_result = models.PositiveIntegerField(default=0)
    digitised = models.PositiveIntegerField(default=0)
    reused = models.PositiveIntegerField(default=0)
    from_store = models.PositiveIntegerField(default=0)
    vneid = models.PositiveIntegerField(default=0)
    individual = models.PositiveIntegerField(default=0)
    fee_bearing = models.PositiveIntegerField(default=0)
    paid_online = models.PositiveIntegerField(default=0)
    disliked = models.PositiveIntegerField(default=0)
    civil_servant = models.PositiveIntegerField(default=0)
    civil_servant_online = models.PositiveIntegerField(default=0)
    overdue_open = models.PositiveIntegerField(default=0)
    open_on_time = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tổng hợp chỉ số theo ngày")
        verbose_name_plural = _("tổng hợp chỉ số theo ngày")
        indexes = [
            models.Index(fields=["received_on", "agency"], name="metrics_daily_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.agency_id} {self.end_month}"
