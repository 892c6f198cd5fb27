"""The hooks file for schemathesis' own CLI:

    SCHEMATHESIS_HOOKS=sms_contract.schemathesis_hooks schemathesis \\
        --config-file examples/schemathesis.toml run openapi.yaml \\
        --url http://127.0.0.1:8765 --auth simkey:simtoken

It registers the XML deserializer, the bracket-form serializer and the semantic checks (see
`sms_contract.integrations.schemathesis_ext`) and, for every generated case, the recipient
guard: a phone number outside the allowlist (`SMS_CONTRACT_RECIPIENTS`, else the simulator's
test numbers) is replaced by an allowed one, so fuzzing staging never texts a stranger. Against
anything but the simulator, set SMS_CONTRACT_RECIPIENTS to numbers you own: the default test
numbers are not real numbers, so a real provider rejects every valid case that uses them.
The callback guard points every generated StatusCallback and click-tracking URL at
127.0.0.1:9, so the provider never posts message data to a generated host.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import HookContext

from sms_contract.integrations.schemathesis_ext import guard_case


@schemathesis.hook
def map_case(context: HookContext, case: schemathesis.Case[Any]) -> schemathesis.Case[Any]:
    """Keep generated recipients inside the allowlist and callbacks off strangers' hosts."""
    guard_case(case)
    return case
