"""The assistants in the dashboard: a customer-service chat and the analyst's "Ask" box.

The chat talks to :func:`vantage.services.assistant.respond` (a widget on every page and the
``/ui/assistant`` page share one conversation per login session). Conversations held here are
staff try-outs: they are not written as ``Support Chat Message`` events on customer profiles.
The "Ask" box shows the segment definition or query that
:func:`vantage.services.assistant_analyst.plan` reads from a question before anything runs;
running it is a second, explicit step (read-only, as the analyst's assistant always is).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from vantage.core.errors import VantageError
from vantage.services.context import ServiceContext
from vantage.services.users import Session
from vantage.web.auth import require, require_post, web_state
from vantage.web.render import page
from vantage.web.views import fragment_error

router = APIRouter(prefix="/ui", include_in_schema=False)
Analyst = Annotated[Session, Depends(require("analyst"))]
AnalystPost = Annotated[Session, Depends(require_post("analyst"))]
CONVERSATION = re.compile(r"^[A-Za-z0-9]{1,32}$")


def session_id(session: Session, conversation: str) -> str:
    """The assistant's session id: the user's name, then the conversation (never another's).

    Raises:
        VantageError: ``conversation`` is not 1-32 letters or digits.
    """
    if not CONVERSATION.match(conversation):
        raise VantageError(
            f"Invalid conversation: {conversation[:40]!r}.",
            "Use 1-32 letters or digits (reload the page to start a new conversation).",
        )
    user = re.sub(r"[^A-Za-z0-9_.-]", "-", session.principal.username)
    return f"ui-{user}-{conversation}"[:128]


@router.get("/assistant")
def assistant_page(request: Request, session: Analyst) -> HTMLResponse:
    """The chat with the customer-service assistant and the analyst's "Ask" box."""
    return page(request, "assistant.html", session, widget=False)


@router.post("/assistant/chat")
def chat(
    request: Request,
    session: AnalystPost,
    text: Annotated[str, Form(max_length=2000)],
    conversation: Annotated[str, Form(max_length=64)],
    as_user: Annotated[str, Form(max_length=256)] = "",
) -> HTMLResponse:
    """One message to the customer-service assistant; the turn as an htmx fragment.

    ``as_user`` answers as the signed-in customer with that user id (account questions are then
    about that customer only).
    """
    from vantage.services import assistant

    message = text.strip()
    if not message:
        return HTMLResponse(
            "<p class='error chat-error'>Invalid text: the message is empty. "
            "<span class='fix'>Type a message before sending.</span></p>"
        )
    try:
        reply = assistant.respond(
            ServiceContext(web_state(request).settings),
            session_id(session, conversation),
            message,
            verified_user_id=as_user.strip() or None,
            record=False,
        )
    except VantageError as exc:
        return HTMLResponse(fragment_error(exc))
    return page(request, "partials/chat_turn.html", session, text=message, reply=reply)


@router.post("/assistant/plan")
def ask_plan(
    request: Request, session: AnalystPost, question: Annotated[str, Form(max_length=500)]
) -> HTMLResponse:
    """The plan read from a question, shown before it runs (an htmx fragment)."""
    from vantage.services import assistant_analyst as analyst

    asked = question.strip()
    if not asked:
        return HTMLResponse(
            "<p class='error'>Invalid question: it is empty. "
            "<span class='fix'>Ask, for example, “how many orders in the last 30 days”.</span></p>"
        )
    try:
        shown = analyst.plan(asked, web_state(request).settings)
    except VantageError as exc:
        return HTMLResponse(fragment_error(exc))
    return page(request, "partials/ask_plan.html", session, question=asked, plan=shown)


@router.post("/assistant/answer")
def ask_answer(
    request: Request, session: AnalystPost, question: Annotated[str, Form(max_length=500)]
) -> HTMLResponse:
    """Run the plan of a question (read-only) and show the answer table (an htmx fragment)."""
    from vantage.services import assistant_analyst as analyst

    settings = web_state(request).settings
    try:
        shown = analyst.plan(question.strip(), settings)
        result = analyst.run(ServiceContext(settings), shown)
    except VantageError as exc:
        return HTMLResponse(fragment_error(exc))
    return page(request, "partials/ask_answer.html", session, plan=shown, result=result)
