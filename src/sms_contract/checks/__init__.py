"""The checks: a request, a response, a whole exchange or a callback against the contract."""
