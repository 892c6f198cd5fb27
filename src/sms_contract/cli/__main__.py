"""`python -m sms_contract.cli`: the same as the `sms-contract` command."""

from sms_contract.cli import main

main()
