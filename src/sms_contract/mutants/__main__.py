"""`python -m sms_contract.mutants [OPTIONS]`: the same as `sms-contract mutants [OPTIONS]`."""

import sys

from sms_contract.cli import main

main(["mutants", *sys.argv[1:]])
