"""Models an experiment keeps: their cards, and the rows they may be asked to predict."""
