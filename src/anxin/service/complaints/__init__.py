"""Complaints and refunds (安心保障): a customer or an agent complains about a completed repair; the brand answers."""
