from django.dispatch import Signal

# Sent inside the transaction that deletes campaigns (kwargs: campaign_ids, by, now): their
# participations are anonymized by the app that owns them (participations.receivers).
campaigns_deleted = Signal()
