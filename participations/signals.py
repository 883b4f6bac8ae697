from django.dispatch import Signal

# Sent after the commit of a sending (kwargs: participation). The analysis listens to it.
participation_shared = Signal()
