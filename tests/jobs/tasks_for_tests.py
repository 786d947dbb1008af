"""Tasks the job tests enqueue: module-level, as the tasks framework requires."""

from django.tasks import task

from zoneledger.jobs.services import JobFailed, job_run


def _count_to_three(job, progress):
    for done in range(1, 4):
        progress(done, 3)
    return {"counted": 3, "language": job.language}


def _refuse(job, progress):
    raise JobFailed("这个文件不能导入。")


def _break(job, progress):
    raise RuntimeError("a bug")


@task()
def count_to_three(job_id: str) -> None:
    job_run(job_id=job_id, body=_count_to_three)


@task()
def refuse(job_id: str) -> None:
    job_run(job_id=job_id, body=_refuse)


@task()
def crash(job_id: str) -> None:
    job_run(job_id=job_id, body=_break)


ticks = []


@task()
def tick() -> None:
    ticks.append(1)


def _nap(job, progress):
    import time

    started = time.time()
    time.sleep(job.parameters.get("seconds", 0.5))
    return {"started": started, "finished": time.time()}


@task()
def nap(job_id: str) -> None:
    job_run(job_id=job_id, body=_nap)
