from django.dispatch import Signal

# Sent after the commit of a sending (kwargs: participation). The analysis listens to it.
participation_shared = Signal()

# Sent inside the transaction that deletes participations (kwargs: campaign_ids, now): the
# analysis deletes the export files that may hold them.
participations_deleted = Signal()
