"""The playground's message box: what it suggests while typing and what it sends (no browser, no bot)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.playground import _commands as cmd

# Shaped like what discord.py syncs (and the emulator stores) for these commands.
COMMANDS: list[dict[str, Any]] = [
    {"name": "help", "description": "What quizbot does", "type": 1},
    {
        "name": "quiz",
        "description": "Post lesson questions",
        "type": 1,
        "options": [
            {
                "type": 1,
                "name": "post",
                "description": "Post a question now",
                "options": [
                    {
                        "type": 3,
                        "name": "lesson",
                        "description": "The lesson",
                        "required": True,
                        "autocomplete": True,
                    },
                    {"type": 3, "name": "question", "description": "A question id", "autocomplete": True},
                    {"type": 7, "name": "channel", "description": "Where to post"},
                    {
                        "type": 4,
                        "name": "close_after",
                        "description": "Minutes",
                        "min_value": 1,
                        "max_value": 10080,
                    },
                ],
            }
        ],
    },
    {
        "name": "leaderboard",
        "description": "Top members",
        "type": 1,
        "options": [
            {
                "type": 3,
                "name": "period",
                "description": "Which period",
                "choices": [{"name": "This week", "value": "week"}, {"name": "All time", "value": "all"}],
            }
        ],
    },
    {
        "name": "stats",
        "description": "A member's stats",
        "type": 1,
        "options": [
            {"type": 6, "name": "member", "description": "Whose"},
            {"type": 5, "name": "public", "description": "Show everyone"},
        ],
    },
]
WORLD: dict[str, Any] = {
    "channels": ["general", "quiz"],
    "members": ["alice", "bob", "carol", "mod"],
    "roles": {"Moderator": 42},
}


def suggest(text: str) -> list[cmd.Suggestion]:
    return cmd.suggest_static(text, COMMANDS, **WORLD)[0]


def resolve(text: str) -> tuple[str, dict[str, Any]]:
    return cmd.resolve(text, COMMANDS, **WORLD)


def test_a_slash_lists_every_command_with_its_description() -> None:
    labels = [(s.label, s.detail) for s in suggest("/")]
    assert labels == [
        ("/help", "What quizbot does"),
        ("/leaderboard", "Top members"),
        ("/quiz", "Post lesson questions"),
        ("/stats", "A member's stats"),
    ]


def test_typing_completes_the_command_then_its_subcommand() -> None:
    (only,) = suggest("/qu")
    assert only.text == "/quiz "
    (sub,) = suggest(only.text)
    assert (sub.label, sub.text) == ("/quiz post", "/quiz post ")


def test_option_names_come_required_first_and_leave_out_those_already_given() -> None:
    names = [s.label for s in suggest("/quiz post ")]
    assert names == ["lesson:", "question:", "channel:", "close_after:"]
    assert "(text, required)" in suggest("/quiz post ")[0].detail
    after = [s.label for s in suggest("/quiz post lesson:qp ")]
    assert after == ["question:", "channel:", "close_after:"]


def test_a_half_typed_option_name_after_a_value_is_completed() -> None:
    (channel,) = suggest("/quiz post lesson:qp ch")
    assert channel.text == "/quiz post lesson:qp channel:"


def test_channel_member_and_choice_values_are_suggested_from_what_exists() -> None:
    (quiz,) = suggest("/quiz post lesson:qp channel:qu")
    assert (quiz.label, quiz.text) == ("#quiz", "/quiz post lesson:qp channel:quiz ")
    assert [s.label for s in suggest("/stats member:")] == ["@alice", "@bob", "@carol", "@mod"]
    assert [s.text for s in suggest("/leaderboard period:all")] == ["/leaderboard period:all "]
    assert [s.label for s in suggest("/stats public:")] == ["true", "false"]


def test_an_autocomplete_option_is_left_to_the_bot_with_what_was_typed() -> None:
    suggestions, parsed = cmd.suggest_static("/quiz post lesson:tra", COMMANDS, **WORLD)
    assert suggestions == []
    assert cmd.wants_autocomplete(parsed)
    assert (parsed.name, parsed.focused, parsed.partial) == ("quiz post", "lesson", "tra")
    completed = cmd.value_suggestions(
        parsed, "/quiz post lesson:tra", [{"name": "Training", "value": "train"}]
    )
    assert completed[0].text == "/quiz post lesson:train "


def test_plain_text_gets_no_suggestions() -> None:
    assert suggest("hello") == []


def test_a_full_line_resolves_to_the_command_and_typed_options() -> None:
    name, options = resolve("/quiz post lesson:qp question:qp.hard channel:#quiz close_after:5")
    assert name == "quiz post"
    assert options == {"lesson": "qp", "question": "qp.hard", "channel": "quiz", "close_after": 5}


def test_values_may_hold_spaces_and_choices_may_be_named() -> None:
    assert resolve("/quiz post lesson:Quiz play lesson")[1] == {"lesson": "Quiz play lesson"}
    assert resolve("/leaderboard period:All time") == ("leaderboard", {"period": "all"})
    assert resolve("/stats member:@bob public:yes") == ("stats", {"member": "bob", "public": True})
    assert resolve("/help") == ("help", {})


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("hello", "start with /"),
        ("/nope", "there is no command /nope"),
        ("/quiz", "/quiz needs a subcommand: /quiz post"),
        ("/quiz pots", "/quiz has no subcommand 'pots'"),
        ("/quiz post", "/quiz post needs lesson:"),
        ("/quiz post channel:quiz", "/quiz post needs lesson:"),
        ("/quiz post lesson:qp close_after:0", "close_after: must be between 1 and 10080"),
        ("/quiz post lesson:qp close_after:soon", "close_after: expected a whole number"),
        ("/quiz post lesson:qp channel:random", "no channel #random"),
        ("/stats member:dave", "no member 'dave'"),
        ("/leaderboard period:month", "pick one of week, all"),
        ("/quiz post qp lesson:qp", "I don't understand 'qp'"),
    ],
)
def test_incomplete_or_wrong_lines_are_refused_with_what_to_fix(line: str, message: str) -> None:
    with pytest.raises(cmd.CommandError, match=re.escape(message)):
        resolve(line)
