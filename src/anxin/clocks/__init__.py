"""Time on a business calendar: weekly hours, public holidays and make-up workdays, pausable SLA clocks."""
