"""Open Trivia DB API responses: `{"response_code": 0, "results": [{"type": "multiple", ...}]}`."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from typing import Any

from bot.i18n import _
from content.formats._common import Conversion, Draft, Reader, build, check_difficulty, one_line, stable_index

NAME = "opentdb-json"
LABEL = "Open Trivia DB"


def looks_like(text: str) -> bool:
    return '"results"' in text and '"correct_answer"' in text


def _clean(value: Any) -> str:
    return one_line(html.unescape(value)) if isinstance(value, str) else ""


def convert(name: str, text: str, reader: Reader) -> Conversion:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # TRANSLATORS: {error} is the JSON parser's own explanation, in English ("Expecting value").
        message = _("is not valid JSON: {error} (column {column})").format(error=exc.msg, column=exc.colno)
        return reader.whole(message, exc.lineno)
    except RecursionError:
        return reader.whole(_("nests too deeply to be an Open Trivia DB response"))
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        # TRANSLATORS: the JSON after "is" shows the response's shape (keep it as it is).
        return reader.whole(
            _('an Open Trivia DB response is {{"response_code": 0, "results": [...]}}').format()
        )
    if data.get("response_code", 0) not in (0, "0"):
        # TRANSLATORS: response_code is the response's JSON key (keep it); {code} is its value.
        message = _("response_code is {code}: the API returned no questions")
        return reader.whole(message.format(code=repr(data.get("response_code"))))
    # JSON keeps no line numbers: the n-th "question" key is the n-th result's line.
    lines = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r'"question"\s*:', text)]
    drafts: list[Draft] = []
    categories: Counter[str] = Counter()
    for number, item in enumerate(data["results"], start=1):
        line = lines[number - 1] if len(lines) == len(data["results"]) else 1
        if not isinstance(item, dict):
            reader.problem(line, f"question {number}", _("each result must be an object"))
            continue
        prompt, right = _clean(item.get("question")), _clean(item.get("correct_answer"))
        wrong_raw = item.get("incorrect_answers")
        wrong = [_clean(w) for w in wrong_raw] if isinstance(wrong_raw, list) else []
        if not prompt or not right or not wrong or not all(wrong):
            # TRANSLATORS: question, correct_answer and incorrect_answers are JSON keys (keep them as they are).
            message = _("needs question, correct_answer and incorrect_answers")
            reader.problem(line, f"question {number}", message)
            continue
        if item.get("category"):
            categories[_clean(item["category"])] += 1
        if item.get("type") == "boolean":
            options = ["True", "False"]
            answer = 0 if right.lower() == "true" else 1
        else:
            # The API lists the right answer apart: give it a stable slot, not always A.
            answer = stable_index(prompt, len(wrong) + 1)
            options = [*wrong[:answer], right, *wrong[answer:]]
        drafts.append(
            Draft(
                line=line,
                prompt=prompt,
                options=options,
                answer=[answer],
                difficulty=check_difficulty(
                    item.get("difficulty") if isinstance(item.get("difficulty"), str) else None
                ),
            )
        )
    topic = categories.most_common(1)[0][0] if categories else None
    return build(
        reader,
        drafts,
        title=topic,
        topic=topic,
        source="Open Trivia DB (opentdb.com), CC BY-SA 4.0",
        format_label=LABEL,
    )
