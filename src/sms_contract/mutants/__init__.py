"""The mutation harness: broken simulators that the suite must catch."""

from sms_contract.mutants.catalogue import Mutant, catalogue
from sms_contract.mutants.runner import MutantResult, run_all, run_mutant, run_pristine

__all__ = ["Mutant", "MutantResult", "catalogue", "run_all", "run_mutant", "run_pristine"]
