"""Moderation and e-reputation: approved replies, who to alert, recurring feedback."""
