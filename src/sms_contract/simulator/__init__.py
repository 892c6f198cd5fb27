"""The reference simulator: an Exotel-compatible SMS server (starlette), the default target.

It depends on the contract (openapi.yaml, schemas/, the registries), never on the checks.
"""

from sms_contract.simulator.app import create_app
from sms_contract.simulator.config import SimulatorConfig

__all__ = ["SimulatorConfig", "create_app"]
