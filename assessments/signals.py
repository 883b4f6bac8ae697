from django.dispatch import Signal

# Sent inside the transaction that completes an assessment (kwargs: assessment).
assessment_completed = Signal()
