"""vcrpy cassettes: reading and replaying them (`cassette`), scrubbing (`filters`), drift."""
