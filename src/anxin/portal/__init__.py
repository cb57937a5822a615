"""Public pages for consumers and visitors: the home page and the language switch."""
