"""The integrity half: events in, decisions and labels out, against 刷单炒信. Never imports anxin.service."""
