"""A recording, validating HTTP/1.x relay between a client and its SMS provider."""
