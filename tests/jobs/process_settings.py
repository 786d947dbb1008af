"""Settings of the processes tests start (a server, a worker): the product's, with the tests' quick password hash
(the copied test database holds its users' passwords so hashed)."""

from zoneledger.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
