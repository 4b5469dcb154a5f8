"""The outbox as a task of Django's task framework (django-tasks backport where installed)."""

from __future__ import annotations

import pytest

from vigil.dissemination import tasks


@pytest.mark.django_db
def test_the_task_sends_what_is_due(smtp_server, announce_event):
    announce_event(2)

    assert tasks.send_due_outbox(batch=10) == {"sent": 2, "retried": 0, "failed": 0}
    assert smtp_server.handler.count() == 2


def test_the_task_is_registered_when_the_framework_is_installed():
    pytest.importorskip("django_tasks")
    assert tasks.send_due_outbox_task.func is tasks.send_due_outbox
