"""The mark of a section's field filled in from the service's own settings.

Such a field is never set in a configuration file or the environment (``_settable``
leaves it out); the service copies it in at start-up.
"""

DERIVED = {"derived": True}
