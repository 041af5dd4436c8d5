"""The e-mails to families move into core's record of outbound messages (csc.core.notify): each
enrolment.Notification becomes an OutboundMessage about its request, with the same text, state, tries and
dates, so that reception still sees past e-mails and may resend a failed one."""

from django.db import migrations

ABOUT = "enrolment.request"
SUMMARY = "enrolment.summary"


def to_core(apps, schema_editor):
    Notification = apps.get_model("enrolment", "Notification")
    OutboundMessage = apps.get_model("core", "OutboundMessage")
    batch = []
    for n in Notification.objects.select_related("request__centre").order_by("pk").iterator(chunk_size=500):
        batch.append(
            OutboundMessage(
                channel="email",
                purpose="enrolment.status",
                centre_id=n.request.centre_id,
                recipient=n.to,
                subject=n.subject,
                body=n.body,
                reply_to=n.request.centre.email or "",
                about_type=ABOUT,
                about_id=n.request_id,
                attachments=[{"builder": SUMMARY, "arguments": {"request_id": n.request_id}}]
                if n.attach_summary
                else [],
                status=n.status,
                attempts=n.attempts,
                last_error=n.last_error,
                created_at=n.created_at,
                sent_at=n.sent_at,
            )
        )
        if len(batch) >= 500:
            OutboundMessage.objects.bulk_create(batch)
            batch = []
    OutboundMessage.objects.bulk_create(batch)


def back_to_enrolment(apps, schema_editor):
    Notification = apps.get_model("enrolment", "Notification")
    OutboundMessage = apps.get_model("core", "OutboundMessage")
    messages = OutboundMessage.objects.filter(about_type=ABOUT)
    Notification.objects.bulk_create(
        Notification(
            request_id=m.about_id,
            to=m.recipient,
            subject=m.subject[:200],
            body=m.body,
            attach_summary=bool(m.attachments),
            status=m.status if m.status != "envoi" else "en_attente",
            attempts=m.attempts,
            last_error=m.last_error,
            sent_at=m.sent_at,
        )
        for m in messages.iterator()
    )
    messages.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enrolment", "0003_checked_family_quotient"),
        ("core", "0008_outbound_message"),
    ]

    operations = [migrations.RunPython(to_core, back_to_enrolment)]
