"""Time on a business calendar: weekly opening hours and shifts (later: holidays, pausable SLA clocks)."""
