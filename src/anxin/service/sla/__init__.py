"""Service promises measured (最快30分钟): the response clock of every ticket, breaches, countdowns."""
