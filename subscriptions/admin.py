from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from subscriptions.models import Follow, Subscription


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Confirmed")), ("no", _("Waiting for confirmation"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.confirmed()
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Staff see who subscribes to what, to answer a subscriber's question or stop a
    subscription on request; subscribers change their own only through their links."""

    list_display = ["email", "filters", "frequency", "language", "created_at", "confirmed_at", "last_sent_at"]
    list_filter = [ConfirmedFilter, "frequency", "language"]
    search_fields = ["email", "query"]
    readonly_fields = ["email", "query", "filters", "language", "created_at", "confirmed_at", "last_sent_at"]
    fields = ["email", "filters", "query", "frequency", "language", "created_at", "confirmed_at", "last_sent_at"]
    date_hierarchy = "created_at"

    @admin.display(description=_("follows"))
    def filters(self, subscription):
        return subscription.describe()

    def has_add_permission(self, request):
        # Only the address's owner subscribes it, through the confirmation message.
        return False


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "organisation", "hub", "created_at"]
    list_select_related = ["user", "project", "organisation", "hub"]
    raw_id_fields = ["user", "project", "organisation"]
    search_fields = ["user__username", "project__name_en", "organisation__name_en", "hub__name_en"]

    def has_add_permission(self, request):
        return False
