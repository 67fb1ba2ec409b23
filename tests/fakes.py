"""Stand-ins for content.Question where a test needs only what grading reads (bot.grading.QuestionLike)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mistake:
    option: str
    text: str


@dataclass(frozen=True)
class Question:
    id: str = "lesson1.q1"
    kind: str = "multiple_choice"
    difficulty: str = "hard"
    answer_letters: tuple[str, ...] = ("B",)
    hint: str = "What does the optimizer change?"
    mistakes: dict[str, str] = field(default_factory=lambda: {"A": "A is the loss, not the weights."})
    solution: list[str] = field(default_factory=lambda: ["Compute the loss.", "Apply gradients."])

    def mistake_for(self, letter: str) -> Mistake | None:
        text = self.mistakes.get(letter)
        return Mistake(letter, text) if text else None
