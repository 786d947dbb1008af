"""Logging a test client in as a user who has passed every step (password, second factor)."""

from zoneledger.accounts import session


def log_in(client, user):
    """Like `client.force_login`, with the second factor already checked (administrators must have one)."""
    client.force_login(user)
    store = client.session
    session.second_factor_done(store)
    store.save()
    return client
