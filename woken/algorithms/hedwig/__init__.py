"""The ``hedwig`` container: subgroup discovery, its rules as plain text."""
