"""The contract: `openapi.yaml`, the schemas and the code registries, loaded and typed.

Nothing here imports the checks, a suite, the CLI or the simulator.
"""
