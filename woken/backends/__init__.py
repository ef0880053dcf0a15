"""Where jobs run: one interface (`base.Backend`), several implementations."""
