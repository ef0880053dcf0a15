"""The features database: data tables, the variables' metadata, and safe data selection."""
