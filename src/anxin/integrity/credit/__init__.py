"""Credit (信用惩戒): scores from findings, penalties and service quality, penalties with appeals."""
