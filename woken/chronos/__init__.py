"""The Chronos job model, its JSON, the REST client and status reading (see issue 5)."""
