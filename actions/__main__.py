"""The action server: `python -m actions`.

Actions are registered as instances sharing one ActionContext, whose database
engine is opened when the server starts and disposed when it stops. Only Rasa may
call it: every request but /health needs TANYA_ACTIONS_TOKEN (actions/auth.py).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic

from actions.auth import require_token
from actions.base import DatabaseAction
from actions.catalogue import (
    ActionAnswerDuration,
    ActionAnswerFee,
    ActionAnswerProcedure,
    ActionAnswerRequirements,
)
from actions.complaint import ActionFileComplaint
from actions.context import ActionContext
from actions.fallback import ActionHandleFallback
from actions.faq import ActionAnswerFaq
from actions.handoff import ActionHumanHandoff
from actions.other_services import ActionAnswerOtherService
from actions.pending import ActionResumePending
from actions.settings import ActionSettings
from actions.social import (
    ActionGoodbye,
    ActionGreet,
    ActionIAmABot,
    ActionOutOfScope,
    ActionThanks,
    FixedReply,
)
from actions.status import ActionCheckStatus, ActionListMyApplications, ActionSubscribeUpdates
from bot.heap import freeze_startup_objects
from bot.logs import configure_logging

ACTIONS: list[type[DatabaseAction]] = [
    ActionAnswerRequirements,
    ActionAnswerFee,
    ActionAnswerDuration,
    ActionAnswerProcedure,
    ActionCheckStatus,
    ActionListMyApplications,
    ActionSubscribeUpdates,
    ActionResumePending,
    ActionAnswerFaq,
    ActionAnswerOtherService,
    ActionFileComplaint,
    ActionHumanHandoff,
    ActionHandleFallback,
]
FIXED_REPLIES: list[type[FixedReply]] = [
    ActionGoodbye,
    ActionThanks,
    ActionIAmABot,
    ActionOutOfScope,
]


def build_executor(context: ActionContext) -> ActionExecutor:
    executor = ActionExecutor()
    for action in ACTIONS:
        executor.register_action(action(context))
    for reply in FIXED_REPLIES:
        executor.register_action(reply())
    executor.register_action(ActionGreet(context.settings.office_zone))
    return executor


def create_action_app(settings: ActionSettings) -> Sanic[Any, Any]:
    context = ActionContext(settings)
    app: Sanic[Any, Any] = create_app(build_executor(context), cors_origins=[])
    app.register_middleware(require_token(settings.actions_token), "request")
    app.register_listener(context.open, "before_server_start")
    app.register_listener(context.close, "after_server_stop")
    return app


def main() -> None:
    settings = ActionSettings()
    configure_logging()
    logging.getLogger(__name__).info(
        "action server starting", extra={"port": settings.actions_port}
    )
    app = create_action_app(settings)
    app.register_listener(_freeze_once_started, "after_server_start")
    app.run(
        host=settings.actions_host,
        port=settings.actions_port,
        single_process=True,
        access_log=False,
        motd=False,
    )


def _freeze_once_started(app: Sanic[Any, Any]) -> None:
    freeze_startup_objects()


if __name__ == "__main__":
    main()
