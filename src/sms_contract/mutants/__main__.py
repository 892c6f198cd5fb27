"""`python -m sms_contract.mutants`: the same as `sms-contract mutants`."""

from sms_contract.cli import main

main(["mutants"])
