"""The ledger's one signal: projects now hold national project codes (created with one, or given one).

The project services send it themselves, after the write and inside its transaction, so what a receiver writes
commits or rolls back with the project. It lets an app above projects act on a new code — approvals links the items
waiting for it — without projects importing that app (the layers, docs/ARCHITECTURE.md). Receivers are connected in
their app's `ready()`; this is the only signal the domain sends, and its senders are the services listed below.

    project_codes_set.send(sender=Project, actor=actor, projects=[project, ...])

Sent by `project_create`, `project_update`, `projects_create_bulk` and `projects_update_bulk` (actor None: the
operator at the server's command line).
"""

from django.dispatch import Signal

project_codes_set = Signal()
