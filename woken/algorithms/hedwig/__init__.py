"""The ``hedwig`` container: subgroup discovery, rules as text."""
