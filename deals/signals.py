"""What the deals app tells the apps above it, which it cannot import."""

from django.dispatch import Signal

# Sent by deal_merge inside its transaction, before the absorbed deal is deleted: deal=, into=, user=.
deal_merged = Signal()
