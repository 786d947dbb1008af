"""Background work: jobs as rows, run by `zoneledger worker` through Django's tasks framework.

A job is what a user (or the system) asked to be done in the background: its progress, its result and, when it
failed, why, are columns of a `Job` row that any web process can read. The work itself is a Django task
(`django.tasks`) stored by the database backend (django-tasks-db), so no new server is needed on SQLite or
PostgreSQL. `zoneledger worker` runs the tasks with bounded concurrency, keeps its running jobs' heartbeats, marks
the jobs of a worker that died as failed, and enqueues the periodic tasks registered in `schedule.py`.
"""
