"""Webhook receiver testing: every documented callback variant, and how a receiver answers."""

from sms_contract.callbacks.payloads import PROVIDERS, Delivery, deliveries
from sms_contract.callbacks.tester import check_answer, deliver_all

__all__ = ["PROVIDERS", "Delivery", "check_answer", "deliver_all", "deliveries"]
