import os
import socket

from celery import shared_task


@shared_task
def ping() -> dict:
    """Report which process ran the task: the health check and CI use it to prove a real worker runs."""
    return {"host": socket.gethostname(), "pid": os.getpid()}
