"""Technicians (师傅): skills, home station, territory and shifts: the people dispatch assigns."""
