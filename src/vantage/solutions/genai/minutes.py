"""Meeting minutes from a transcript: summary, decisions and action items (owner, due date).

The offline method reads the transcript with rules: ``Speaker: words`` turns, decision phrases
("we agreed", "decided", "let's go with"), commitments ("I'll ...", "Bob will ...",
"Carol, please ...", "Action: ..."), and due dates ("by Friday", "before 10 March", "next
week", "end of the month") resolved against the meeting date with ``dateparser``. The summary is
extractive. With a language model, :func:`llm_minutes` asks for the same fields as JSON.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import orjson

from vantage.solutions.genai.errors import GenAIError
from vantage.solutions.genai.sentences import split_sentences
from vantage.solutions.genai.summarize import ExtractiveSummarizer

TURN = re.compile(
    r"^\s*(?:\[[\d:.]+\]\s*)?(?P<speaker>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2})\s*:\s*(?P<text>.+)$"
)
DECISION = re.compile(
    r"\b(?:we(?: have|'ve)? (?:decided|agreed)|(?:it is|it's) (?:decided|agreed)|decision(?: is)?"
    r"|let's go with|we(?:'ll| will) go with|approved|agreed to|resolved to|final answer)\b",
    re.IGNORECASE,
)
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
WHEN = (
    rf"(?:(?:next|this|coming) )?{WEEKDAY}|tomorrow|today|tonight|end of (?:the )?day|eod"
    rf"|(?:the )?end of (?:the |this |next )?(?:week|month|quarter)|next (?:week|month)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{MONTH}(?: \d{{4}})?|{MONTH} \d{{1,2}}(?:st|nd|rd|th)?"
    rf"(?:,? \d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?"
)
DUE = re.compile(
    rf"\s*,?\s*\b(?:(?:by|before|until|due(?: on| by)?|no later than|on)\s+)?(?P<when>{WHEN})\b",
    re.IGNORECASE,
)
NOT_OWNERS = frozenset(
    {"we", "it", "this", "that", "they", "he", "she", "you", "there", "which", "who", "what",
     "everyone", "someone", "nobody", "team", "the", "i"}
)  # fmt: skip
ACTION_PATTERNS = (
    re.compile(r"^(?:action(?: item)?|todo|to-do|follow[- ]up)\s*[:\-]\s*(?P<task>.+)$", re.I),
    re.compile(
        r"^(?:ok(?:ay)?,? |so,? |and )?(?P<owner>[A-Z][a-z]+)(?: and (?P<owner2>[A-Z][a-z]+))?,"
        r" (?:can|could|would|will) you (?:please )?(?P<task>.+?)\??$"
    ),
    re.compile(r"^(?:ok(?:ay)?,? |so,? )?(?P<owner>[A-Z][a-z]+), please (?P<task>.+)$"),
    re.compile(
        r"\b(?P<owner>[A-Z][a-z]+)(?: and (?P<owner2>[A-Z][a-z]+))? (?:will|is going to|'ll|"
        r"needs to|is to|has to|agreed to) (?P<task>.+)$"
    ),
    re.compile(r"\b(?P<self>I)(?:'ll| will| am going to|'m going to| can take| can) (?P<task>.+)$"),
)


@dataclass(frozen=True)
class Turn:
    """One speaker turn."""

    speaker: str | None
    text: str


@dataclass(frozen=True)
class ActionItem:
    """Something someone agreed to do."""

    task: str
    owner: str | None = None
    due: date | None = None
    due_text: str | None = None
    said_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON (dates as ISO strings)."""
        out = asdict(self)
        out["due"] = self.due.isoformat() if self.due else None
        return out


@dataclass(frozen=True)
class Minutes:
    """Minutes of one meeting."""

    summary: str
    decisions: list[str] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    attendees: list[str] = field(default_factory=list)
    method: str = "rules"

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "summary": self.summary,
            "decisions": self.decisions,
            "action_items": [a.as_dict() for a in self.action_items],
            "attendees": self.attendees,
            "method": self.method,
        }


def parse_transcript(text: str) -> list[Turn]:
    """Speaker turns of a transcript; lines without ``Name:`` continue the previous turn.

    Raises:
        GenAIError: The transcript is empty.
    """
    turns: list[Turn] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = TURN.match(line)
        if match:
            turns.append(Turn(match.group("speaker"), match.group("text").strip()))
        elif turns:
            turns[-1] = Turn(turns[-1].speaker, f"{turns[-1].text} {line.strip()}")
        else:
            turns.append(Turn(None, line.strip()))
    if not turns:
        raise GenAIError("transcript is empty.", "Pass the meeting transcript as text.")
    return turns


def resolve_due(when: str, meeting: date) -> date | None:
    """A due phrase ("Friday", "end of the month", "10 March") as a date after ``meeting``."""
    phrase = when.lower().strip()
    if (
        phrase in ("eod", "today", "tonight")
        or "end of the day" in phrase
        or "end of day" in phrase
    ):
        return meeting
    if "end of" in phrase:
        if "week" in phrase:
            return meeting + timedelta(
                days=(4 - meeting.weekday()) % 7 + (7 if "next" in phrase else 0)
            )
        if "month" in phrase:
            month = meeting.month % 12 + 1 if "next" in phrase else meeting.month
            year = meeting.year + (1 if "next" in phrase and meeting.month == 12 else 0)
            return date(year, month, calendar.monthrange(year, month)[1])
        if "quarter" in phrase:
            last = ((meeting.month - 1) // 3) * 3 + 3
            return date(meeting.year, last, calendar.monthrange(meeting.year, last)[1])
    if re.fullmatch(rf"(?:next|this|coming) {WEEKDAY}", phrase):
        phrase = phrase.split(" ", 1)[1]
    import dateparser

    parsed = dateparser.parse(
        phrase,
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime.combine(meeting, datetime.min.time()),
            "PREFER_DATES_FROM": "future",
            "DATE_ORDER": "DMY",
        },
    )
    return parsed.date() if parsed else None


def _clean_task(task: str) -> str:
    task = re.sub(r"^(?:please|also|then)\s+", "", task.strip(), flags=re.I)
    return task.strip(" .,;!?")


def _owner(name: str | None, speaker: str | None, known: set[str]) -> str | None:
    if name is None:
        return None
    if name == "I":
        return speaker
    if name.lower() in NOT_OWNERS:
        return None
    if known and name not in known and not any(k.split()[0] == name for k in known):
        return name
    return next((k for k in known if k == name or k.split()[0] == name), name)


def find_action(
    sentence: str, speaker: str | None, known: set[str], meeting: date
) -> ActionItem | None:
    """The action item stated in ``sentence``, if any."""
    for pattern in ACTION_PATTERNS:
        match = pattern.search(sentence)
        if not match:
            continue
        groups = match.groupdict()
        name = "I" if groups.get("self") else groups.get("owner")
        owner = _owner(name, speaker, known)
        if name not in (None, "I") and owner is None:
            continue
        if groups.get("owner2"):
            owner = f"{owner} and {_owner(groups['owner2'], speaker, known)}"
        task = groups["task"]
        due_match = DUE.search(task)
        due_text = due_match.group("when") if due_match else None
        if due_match:
            task = task[: due_match.start()] + task[due_match.end() :]
        task = _clean_task(task)
        if len(task.split()) < 2:
            continue
        due = resolve_due(due_text, meeting) if due_text else None
        return ActionItem(task, owner, due, due_text, speaker)
    return None


def rule_minutes(
    transcript: str,
    meeting_date: date | None = None,
    summarize: Callable[[str], str] | None = None,
) -> Minutes:
    """Minutes by rules (the offline method).

    Args:
        transcript: ``Speaker: text`` lines (plain text without speakers also works).
        meeting_date: Date the relative due dates count from (default today).
        summarize: Function from text to summary (default: extractive, a quarter of the
            sentences).
    """
    meeting = meeting_date or date.today()
    turns = parse_transcript(transcript)
    known = {t.speaker for t in turns if t.speaker}
    decisions: list[str] = []
    actions: list[ActionItem] = []
    for turn in turns:
        for sentence in split_sentences(turn.text):
            if DECISION.search(sentence):
                decisions.append(sentence)
                continue
            action = find_action(sentence, turn.speaker, known, meeting)
            if action is not None:
                actions.append(action)
    body = "\n".join(t.text for t in turns)
    if summarize is not None:
        summary = summarize(body)
    else:
        summary = ExtractiveSummarizer(position_weight=0.2).summarize(body, ratio=0.25).text
    return Minutes(summary, decisions, actions, sorted(known), "rules")


def llm_minutes(
    backend: Any, transcript: str, meeting_date: date | None = None, prompt: Any = None
) -> Minutes:
    """Minutes written by a language model (the ``minutes`` prompt, JSON answer).

    Raises:
        GenAIError: The answer is not the JSON the prompt asks for.
    """
    from vantage.solutions.genai.prompts import load_prompt

    meeting = meeting_date or date.today()
    template = prompt or load_prompt("minutes")
    completion = backend.complete(
        template.messages(transcript=transcript, meeting_date=meeting.isoformat()),
        **template.options,
    )
    match = re.search(r"\{.*\}", completion.text, re.DOTALL)
    try:
        data = orjson.loads(match.group()) if match else None
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise GenAIError(
            "The model's minutes are not JSON.", "Use a larger model, or the rule-based method."
        )
    items = []
    for raw in data.get("action_items") or []:
        if not isinstance(raw, dict) or not raw.get("task"):
            continue
        due = raw.get("due")
        try:
            parsed = date.fromisoformat(str(due)) if due else None
        except ValueError:
            parsed = resolve_due(str(due), meeting)
        items.append(ActionItem(str(raw["task"]), raw.get("owner") or None, parsed, due or None))
    speakers = sorted({t.speaker for t in parse_transcript(transcript) if t.speaker})
    return Minutes(
        str(data.get("summary") or ""),
        [str(d) for d in data.get("decisions") or []],
        items,
        speakers,
        f"llm ({completion.model})",
    )
