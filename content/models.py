"""The lesson pack format: pydantic models that refuse anything Discord or a learner would trip on.

Field types are checked by pydantic (strict, unknown keys forbidden); the rules that span fields
(answers are options, blanks match the code, Discord's size limits) live in `_question_rules`; they
run on the fields that are well-formed even when others are not, and are raised as one `lesson_rule` error whose context carries each problem's own field path, so the loader
can point at the exact line.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import string
import warnings
from collections import OrderedDict
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonDict
from pydantic_core import PydanticCustomError

from bot.i18n import N_, _, ngettext
from content.discord_limits import (
    BUTTON_LABEL_CHARS,
    EMBED_DESCRIPTION_CHARS,
    EMBED_FIELD_CHARS,
    EMBED_TITLE_CHARS,
    EMBED_TOTAL_CHARS,
    LOCALES,
    SELECT_OPTIONS,
    VIEW_ROWS,
)

# What a question may hold, from Discord's limits (content.discord_limits).
MAX_OPTIONS = SELECT_OPTIONS  # a blank's menu shows every option
MIN_OPTIONS = 2
MAX_BLANKS = VIEW_ROWS - 1  # one select menu per blank, plus a row for the Submit button
MAX_OPTION_CHARS = BUTTON_LABEL_CHARS
# A translation's key: a Discord locale, or the language of one ("es" for es-ES and es-419).
LANGUAGES = frozenset(LOCALES) | {locale.split("-")[0] for locale in LOCALES}
DIFFICULTIES = ("easy", "medium", "hard")
Difficulty = Literal["easy", "medium", "hard"]

# A lesson or question id, as it also appears inside custom_ids.
ID = r"[a-z0-9][a-z0-9_.-]{0,47}"
ID_PATTERN = rf"^{ID}$"
_ID_RE = re.compile(ID_PATTERN)
# `[0]` is never a blank: it is far too common as a real index (`model.trainable_variables[0]`).
BLANK_RE = re.compile(r"\[([1-9][0-9]*)\]")
# How members see blank N: a slot no Python code has, so `Dense(⟨1⟩)` cannot read as a list or an index.
# As long as `[N]`, so the size checks measure what is shown.
SLOT = "⟨{}⟩"
LETTERS = string.ascii_uppercase[:MAX_OPTIONS]
SHOWINGS_KEPT = 4096  # arrangements kept (Question.arranged): the posts open at once, and some
# What a post shows and grades (Question.digest); the hint, mistakes, solution and difficulty may be
# fixed without breaking the posts already out.
DIGESTED_FIELDS = ("kind", "prompt", "code", "options", "answer", "shuffle")
DIGEST_CHARS = 16  # posts.question_digest holds this many hex digits

Loc = tuple[str | int, ...]
# TRANSLATORS: ``` is how Discord starts and ends a code block; it stays as it is.
NO_FENCE = N_("must not contain ``` (it would end the code block)")


class DemoProblem(str):
    """A problem message about one line of a question's demo: the loader points at that line of the
    file (the message itself is in the reader's language, so it is not parsed for the number)."""

    demo_line: int | None

    def __new__(cls, message: str, demo_line: int | None) -> DemoProblem:
        made = super().__new__(cls, message)
        made.demo_line = demo_line
        return made


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(_("must not be empty"))
    return value


def _valid_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(
            # TRANSLATORS: {value} is the id the file has, quoted; "a-z 0-9 _ . -" are the characters
            # an id may use and stay as they are.
            _(
                "{value} is not a valid id: use 1-48 characters from a-z 0-9 _ . - "
                "starting with a letter or digit"
            ).format(value=repr(value))
        )
    return value


def _yes_or_no(value: Any) -> Any:
    # The pack's YAML keeps every scalar as typed (content._yaml): only these two words are booleans.
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if isinstance(value, bool):
        return value
    # TRANSLATORS: "true" and "false" are the words the file must have; they stay in English.
    raise ValueError(_("must be true or false"))


Text = Annotated[str, AfterValidator(_not_blank)]
YesNo = Annotated[bool, BeforeValidator(_yes_or_no)]
Id = Annotated[str, AfterValidator(_valid_id), Field(json_schema_extra={"pattern": ID_PATTERN})]
_LETTER_SCHEMA: JsonDict = {"type": "string", "pattern": "^[A-Y]$"}

_MODEL_CONFIG = ConfigDict(frozen=True, extra="forbid", strict=True)


class Mistake(BaseModel):
    """A common mistake, optionally tied to the wrong option it explains (shown when it is picked)."""

    model_config = _MODEL_CONFIG

    text: Text = Field(description="What the learner got wrong and why.")
    option: str | None = Field(
        default=None,
        description="The letter of the wrong option this mistake explains.",
        json_schema_extra={"pattern": "^[A-Y]$"},
    )


class OutputCheck(BaseModel):
    """For an answer that is a claim about what code prints: what the demo's real output must look like."""

    model_config = _MODEL_CONFIG

    pattern: Text = Field(description="A regular expression the demo's stripped stdout must fully match.")
    supports: str = Field(
        description="The option letter the real output confirms (must be the answer).",
        json_schema_extra={"pattern": "^[A-Y]$"},
    )


class Translation(BaseModel):
    """A question as members of another language read it; everything else (answer, difficulty,
    demo) is the question's own."""

    model_config = _MODEL_CONFIG

    prompt: Text
    options: list[str] = Field(description="The options translated, in the question's order.")
    hint: Text
    solution: list[Text] = Field(min_length=1)
    code: str | None = Field(
        default=None, description="The snippet with translated comments; the same blanks."
    )
    mistakes: list[Text] = Field(
        default_factory=list, description="The question's mistakes translated, in its order."
    )


class Question(BaseModel):
    model_config = _MODEL_CONFIG

    id: Id = Field(description="Stable id, unique across all lessons; stored in databases and custom_ids.")
    kind: Literal["multiple_choice", "fill_blanks"]
    prompt: Text = Field(description="The question, shown above the code.")
    code: str | None = Field(
        default=None,
        description="A snippet shown in a code block; for fill_blanks, blanks are marked [1], [2]...",
    )
    options: list[str] = Field(
        description="Option texts; their letters A, B, C... are their positions in the pack (each showing reletters them).",
        json_schema_extra={
            "minItems": MIN_OPTIONS,
            "maxItems": MAX_OPTIONS,
            "items": {"type": "string", "minLength": 1, "maxLength": MAX_OPTION_CHARS},
        },
    )
    answer: str | list[str] = Field(
        description="multiple_choice: the right letter. fill_blanks: a list of letters, one per blank.",
        json_schema_extra={"anyOf": [_LETTER_SCHEMA, {"type": "array", "items": _LETTER_SCHEMA}]},
    )
    difficulty: Difficulty
    hint: Text = Field(description="Shown after a wrong try.")
    mistakes: list[Mistake] = Field(default_factory=list, description="Common mistakes.")
    solution: list[Text] = Field(description="The step-by-step solution, one step per item.")
    demo: str | None = Field(
        default=None,
        description="Complete code to run for real (fill_blanks: the snippet with the right answers).",
    )
    output_check: OutputCheck | None = Field(
        default=None, description="For an answer about what the demo prints: checked against the real output."
    )
    translations: dict[str, Translation] = Field(
        default_factory=dict,
        description="Per language (a Discord locale such as de, fr, es-ES, or its language, es, pt): "
        "what members of that language read instead of prompt, options, hint and solution.",
    )
    shuffle: YesNo = Field(
        default=True,
        description="Show the options in an order of their own on each post, practice run and review "
        'card; false keeps the pack\'s order (for options such as "all of the above").',
    )

    _lesson_id: str = PrivateAttr(default="")
    # Set on a copy made by `arranged`: shown position -> position in the pack, and the pack's question.
    _order: tuple[int, ...] | None = PrivateAttr(default=None)
    _in_lesson_order: Question | None = PrivateAttr(default=None)
    # Question.digest, once computed (an `arranged` copy asks its pack's question). model_copy keeps
    # it: right for a server's scoped copy (only the id differs); any other copy changing a digested
    # field must reset it.
    _digest: str | None = PrivateAttr(default=None)

    @field_validator("answer", mode="before")
    @classmethod
    def _answer_shape(cls, value: Any) -> Any:
        # Checked before the union so the message is one sentence, not one per union member.
        if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return value
        raise ValueError(
            # TRANSLATORS: multiple_choice, fill_blanks and the examples in backticks are the file
            # format: they stay as they are.
            _(
                "must be a letter (multiple_choice, e.g. `answer: B`) "
                "or a list of letters, one per blank (fill_blanks, e.g. `answer: [A, C]`)"
            )
        )

    @model_validator(mode="wrap")
    @classmethod
    def _rules(cls, data: Any, handler: ModelWrapValidatorHandler[Question]) -> Question:
        try:
            question = handler(data)
        except ValidationError as exc:
            # Still compare the fields that are well-formed, so one run reports every problem.
            if not isinstance(data, dict):
                raise
            problems = _question_rules(_partial(cls, data))
            if not problems:
                raise
            raise _with_rules(exc, problems, data) from None
        problems = _question_rules(question)
        if problems:
            raise _rule_error(problems)
        return question

    def __hash__(self) -> int:
        # The generated hash would fail on the list fields; the id is unique and stable.
        return hash(self.id)

    # Helpers used by grading, rendering and the trainer.

    @property
    def lesson_id(self) -> str:
        return self._lesson_id

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(LETTERS[: len(self.options)])

    @property
    def blanks(self) -> int:
        if self.kind != "fill_blanks" or self.code is None:
            return 0
        return len(set(BLANK_RE.findall(self.code)))

    @property
    def answer_letters(self) -> tuple[str, ...]:
        return (self.answer,) if isinstance(self.answer, str) else tuple(self.answer)

    @property
    def answer_texts(self) -> tuple[str, ...]:
        return tuple(self.option_text(letter) for letter in self.answer_letters)

    @property
    def has_demo(self) -> bool:
        return self.demo is not None

    @property
    def digest(self) -> str:
        """16 hex digits that change exactly when what a post of this question shows and grades
        changes (DIGESTED_FIELDS), the same in every process. Taken from the pack's order, so every
        showing of one question has the same digest."""
        base = self.in_lesson_order
        if base._digest is None:
            shown = {name: getattr(base, name) for name in DIGESTED_FIELDS}
            text = json.dumps(shown, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            base._digest = hashlib.sha256(text.encode()).hexdigest()[:DIGEST_CHARS]
        return base._digest

    def option_text(self, letter: str) -> str:
        """The text of option `letter` ("A" is the first); KeyError for a letter this question lacks."""
        if letter not in self.letters:
            raise KeyError(letter)
        return self.options[LETTERS.index(letter)]

    def mistake_for(self, letter: str) -> Mistake | None:
        """The common mistake tied to the (wrong) option `letter`, if any."""
        return next((m for m in self.mistakes if m.option == letter), None)

    # Shuffled options. A showing (a post, a practice run, a review card) shows `arranged(seed)`; its
    # buttons, feedback and reveal all use that copy's letters. What is stored uses the pack's
    # letters (`lesson_letters`), so stats and exports agree across posts.

    def arranged(self, seed: str | int) -> Question:
        """This question as one showing presents it: the options in an order drawn from `seed` (the
        same seed, the same order, in any process), answer, mistakes and output check relettered.
        Itself, unchanged, when the pack pins the order (`shuffle: false`)."""
        base = self.in_lesson_order
        if not base.shuffle:
            return base
        # A copy costs about 0.2 ms (pydantic's model_copy), and every click on a post needs its
        # arrangement: the latest ones are kept. Keyed by the question object itself (its id()):
        # a kept copy holds its base alive, so the id cannot be reused while the entry exists.
        key = (id(base), str(seed))
        cached = _SHOWINGS.get(key)
        if cached is None:
            cached = _SHOWINGS[key] = base._arrange(key[1])
            if len(_SHOWINGS) > SHOWINGS_KEPT:
                _SHOWINGS.popitem(last=False)
        else:
            _SHOWINGS.move_to_end(key)
        return cached

    def _arrange(self, seed: str) -> Question:
        order = list(range(len(self.options)))
        random.Random(f"{self.id}:{seed}").shuffle(order)
        return self._reorder(order)

    def _reorder(self, order: list[int]) -> Question:
        base = self
        shown = {LETTERS[lesson]: LETTERS[position] for position, lesson in enumerate(order)}
        answer = shown[base.answer] if isinstance(base.answer, str) else [shown[a] for a in base.answer]
        copy = base.model_copy(
            update={
                "options": [base.options[i] for i in order],
                "answer": answer,
                "mistakes": [
                    m.model_copy(update={"option": shown[m.option]}) if m.option in shown else m
                    for m in base.mistakes
                ],
                "output_check": base.output_check
                and base.output_check.model_copy(update={"supports": shown[base.output_check.supports]}),
            }
        )
        copy._order, copy._in_lesson_order = tuple(order), base
        return copy

    @property
    def in_lesson_order(self) -> Question:
        """The question as its pack writes it (itself unless it is an `arranged` copy)."""
        return self._in_lesson_order or self

    def translation_for(self, locale: str | None) -> Translation | None:
        """The pack's translation for a Discord locale: "es-419" reads `es-419`, else `es`, else
        another Spanish one (`es-ES`): the member's language beats the pack's."""
        if not locale or not self.translations:
            return None
        language = locale.split("-")[0]
        found = self.translations.get(locale) or self.translations.get(language)
        if found is None:
            found = next((t for key, t in self.translations.items() if key.split("-")[0] == language), None)
        return found

    def in_language(self, locale: str | None) -> Question:
        """This question as a member of `locale` reads it: the pack's translation of its prompt,
        options, hint, solution, code and mistakes, in this showing's order; itself without one."""
        translation = self.translation_for(locale)
        if translation is None:
            return self
        base = self.in_lesson_order
        key = (id(base), f"language:{locale}")
        translated = _SHOWINGS.get(key)
        if translated is None:
            translated = _SHOWINGS[key] = base.model_copy(
                update={
                    "prompt": translation.prompt,
                    "options": translation.options,
                    "hint": translation.hint,
                    "solution": translation.solution,
                    "code": translation.code or base.code,
                    "mistakes": [
                        m.model_copy(update={"text": text})
                        for m, text in zip(base.mistakes, translation.mistakes or [], strict=False)
                    ]
                    or base.mistakes,
                }
            )
            translated._in_lesson_order = None
        return translated if self._order is None else translated._reorder(list(self._order))

    def lesson_letters(self, letters: tuple[str, ...]) -> tuple[str, ...]:
        """Letters as shown here -> the same options' letters in the pack (what is stored)."""
        if self._order is None:
            return letters
        count = len(self._order)
        return tuple(LETTERS[self._order[LETTERS.index(x)]] if x in LETTERS[:count] else x for x in letters)

    def shown_letters(self, letters: tuple[str, ...]) -> tuple[str, ...]:
        """The pack's letters (as stored) -> the letters this showing gives the same options."""
        if self._order is None:
            return letters
        position = {LETTERS[lesson]: LETTERS[shown] for shown, lesson in enumerate(self._order)}
        return tuple(position.get(x, x) for x in letters)

    def shown_code(self) -> str | None:
        """The snippet as members see it: each blank `[1]` drawn as the slot `⟨1⟩` (fill_blanks)."""
        # getattr: the checker also sizes partly valid questions, which may lack `kind`.
        if self.code is None or getattr(self, "kind", None) != "fill_blanks":
            return self.code
        return BLANK_RE.sub(lambda match: SLOT.format(match.group(1)), self.code)

    def filled_code(self) -> str | None:
        """The snippet with each blank replaced by its right answer (fill_blanks), else the code as is."""
        if self.code is None or self.kind != "fill_blanks":
            return self.code
        texts = self.answer_texts

        def fill(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            return texts[index] if index < len(texts) else match.group(0)

        return BLANK_RE.sub(fill, self.code)


_SHOWINGS: OrderedDict[tuple[int, str], Question] = OrderedDict()


class Lesson(BaseModel):
    model_config = _MODEL_CONFIG

    @field_validator("language")
    @classmethod
    def _a_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(
                # TRANSLATORS: {value} is the language code the file has, quoted; the codes stay as they are.
                _("{value} is not a Discord language: use a code such as en, de, fr, es, pt-BR").format(
                    value=repr(value)
                )
            )
        return value

    id: Id = Field(description="Stable lesson id, unique across all lessons.")
    title: Text = Field(max_length=EMBED_TITLE_CHARS, description="Shown as the embed title.")
    topic: Text
    source: Text = Field(description="Where the material comes from.")
    notes: list[Text] = Field(default_factory=list, description="Corrections and remarks for maintainers.")
    language: str = Field(
        default="en",
        description="The language the lesson is written in; questions may add `translations` for others.",
    )
    questions: list[Question] = Field(min_length=1)

    _path: Path = PrivateAttr(default_factory=Path)

    @model_validator(mode="wrap")  # type: ignore[arg-type]  # pydantic stubs: Never-typed
    @classmethod
    def _link(cls, data: Any, handler: ModelWrapValidatorHandler[Lesson], info: ValidationInfo) -> Lesson:
        raw = data.get("questions") if isinstance(data, dict) else None
        duplicates = _duplicate_ids(raw) if isinstance(raw, list) else []
        try:
            lesson = handler(data)
        except ValidationError as exc:
            if not duplicates:
                raise
            raise _with_rules(exc, duplicates, data) from None
        if duplicates:
            raise _rule_error(duplicates)
        for question in lesson.questions:
            question._lesson_id = lesson.id
        if info.context and info.context.get("path") is not None:
            lesson._path = Path(info.context["path"])
        return lesson

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def path(self) -> Path:
        """The file this lesson was loaded from (set by the loader)."""
        return self._path

    def for_server(self, guild_id: int) -> Lesson:
        """This lesson as one server's own: its id and every question id carry the server
        (content.scoping), so they never clash with a bundled lesson or another server's."""
        from content.scoping import scoped

        questions = [q.model_copy(update={"id": scoped(guild_id, q.id)}) for q in self.questions]
        lesson = self.model_copy(update={"id": scoped(guild_id, self.id), "questions": questions})
        for question in questions:
            question._lesson_id = lesson.id
        return lesson


def _dotted(loc: Loc) -> str:
    """('questions', 3, 'answer') -> 'questions[3].answer'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def _letters_range(letters: tuple[str, ...]) -> str:
    if not letters:
        # TRANSLATORS: a question's option letters ("A-D") when it has no options at all.
        return _("(none)")
    return f"{letters[0]}-{letters[-1]}" if len(letters) > 1 else letters[0]


def _not_an_option(letter: str, letters: tuple[str, ...]) -> str:
    # TRANSLATORS: {letter} is the letter the file has, quoted, e.g. 'E'; {letters} the question's
    # option letters, e.g. "A-D".
    return _("{letter} is not one of the options {letters}").format(
        letter=repr(letter), letters=_letters_range(letters)
    )


def card_description(question: Question) -> str:
    """The question card as an embed description: prompt, code block, lettered options."""
    parts = [question.prompt]
    code = question.shown_code()
    if code is not None:
        parts.append(f"```python\n{code}\n```")
    parts.append(
        "\n".join(
            f"**{letter}.** {text}" for letter, text in zip(question.letters, question.options, strict=False)
        )
    )
    return "\n\n".join(parts)


def feedback_chars(question: Question) -> int:
    """Characters of the feedback shown with a question: hint, the longest mistake, the numbered solution."""
    longest_mistake = max((len(m.text) for m in question.mistakes), default=0)
    steps = sum(len(step) + 6 for step in question.solution)
    return len(question.hint) + longest_mistake + steps


def _compiles(source: str) -> SyntaxError | None:
    try:
        with warnings.catch_warnings():
            # Odd-but-valid code (e.g. `1.0[0]`) warns on stderr; the checker's output stays one line per problem.
            warnings.simplefilter("ignore")
            compile(source, "<demo>", "exec")
    except SyntaxError as exc:
        return exc
    return None


def _duplicate_ids(raw_questions: list[Any]) -> list[tuple[Loc, str]]:
    first: dict[str, int] = {}
    problems: list[tuple[Loc, str]] = []
    for index, raw in enumerate(raw_questions):
        qid = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(qid, str):
            continue
        if qid in first:
            problems.append(
                (
                    ("questions", index, "id"),
                    # TRANSLATORS: {id} is a question id, quoted; {other} is where it is first used,
                    # e.g. "questions[2]" (stays as it is).
                    _("{id} is already used by {other}").format(
                        id=repr(qid), other=f"questions[{first[qid]}]"
                    ),
                )
            )
        first.setdefault(qid, index)
    return problems


def _rule_error(problems: list[tuple[Loc, str]]) -> PydanticCustomError:
    summary = "; ".join(f"{_dotted(loc)}: {msg}" for loc, msg in problems)
    return PydanticCustomError("lesson_rule", "{summary}", {"summary": summary, "items": tuple(problems)})


def _with_rules(exc: ValidationError, problems: list[tuple[Loc, str]], data: Any) -> ValidationError:
    """`exc`'s errors plus the rule problems, as one ValidationError."""
    details: list[Any] = []
    for error in exc.errors():
        detail = {"type": error["type"], "loc": error["loc"], "input": error["input"]}
        if "ctx" in error:
            detail["ctx"] = error["ctx"]
        if error["type"] == "lesson_rule":
            detail["type"] = PydanticCustomError("lesson_rule", "{summary}", error["ctx"])
            del detail["ctx"]
        details.append(detail)
    details.append({"type": _rule_error(problems), "loc": (), "input": data})
    return ValidationError.from_exception_data(exc.title, details)


_FIELD_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _partial(model: type[Question], data: dict[str, Any]) -> Question:
    """A Question holding only the fields of `data` that are valid on their own (the rest unset)."""
    if not _FIELD_ADAPTERS:
        for name, info in model.model_fields.items():
            hint = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
            _FIELD_ADAPTERS[name] = TypeAdapter(hint)  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for name, adapter in _FIELD_ADAPTERS.items():
        if name in data:
            try:
                values[name] = adapter.validate_python(data[name], strict=True)
            except ValidationError:
                continue
    return model.model_construct(**values)


def _has(q: Question, *names: str) -> bool:
    # A partial Question (see `_partial`) lacks the fields that failed validation: skip rules needing them.
    return all(name in q.__dict__ for name in names)


def _question_rules(q: Question) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for rule in (
        _options_rules,
        _blank_and_answer_rules,
        _mistake_rules,
        _code_rules,
        _output_rules,
        _shuffle_rules,
        _size_rules,
        _translation_rules,
    ):
        problems.extend(rule(q))
    return problems


def _options_rules(q: Question) -> list[tuple[Loc, str]]:
    if not _has(q, "options"):
        return []
    problems: list[tuple[Loc, str]] = []
    if not MIN_OPTIONS <= len(q.options) <= MAX_OPTIONS:
        problems.append(
            (
                ("options",),
                # TRANSLATORS: {minimum} and {maximum} are the fewest and most options a question may have.
                ngettext(
                    "has {count} option; {minimum} to {maximum} are allowed",
                    "has {count} options; {minimum} to {maximum} are allowed",
                    len(q.options),
                ).format(count=len(q.options), minimum=MIN_OPTIONS, maximum=MAX_OPTIONS),
            )
        )
    seen: dict[str, int] = {}
    for index, text in enumerate(q.options):
        loc: Loc = ("options", index)
        if not text.strip():
            problems.append((loc, _("must not be empty")))
        elif "\n" in text:
            # TRANSLATORS: an option's text has a line break; each option is shown as a Discord button.
            problems.append((loc, _("must be one line (it becomes a button label)")))
        elif len(text) > MAX_OPTION_CHARS:
            problems.append(
                (
                    loc,
                    # TRANSLATORS: {limit} is the most characters a Discord button label holds (80).
                    ngettext(
                        "is {count} character; a Discord button label holds at most {limit}",
                        "is {count} characters; a Discord button label holds at most {limit}",
                        len(text),
                    ).format(count=len(text), limit=MAX_OPTION_CHARS),
                )
            )
        key = text.strip()
        if key in seen:
            # TRANSLATORS: {text} is an option's text, quoted; {letter} the letter of the option it repeats.
            repeats = _("{text} repeats option {letter}").format(text=repr(text), letter=LETTERS[seen[key]])
            problems.append((loc, repeats))
        seen.setdefault(key, index)
    return problems


# Text that only makes sense in the pack's order, which shuffled options do not keep.
POSITIONAL_OPTION = re.compile(r"\b(all|none|both|neither) of the (above|previous|others)\b", re.IGNORECASE)
# "option B", "Option (C)": the word in any case, the letter a capital ("the option I prefer" is English).
OPTION_BY_LETTER = re.compile(r"\b(?i:options?)\s+\(?([A-Y])\)?(?![\w-])")


def _shuffle_rules(q: Question) -> list[tuple[Loc, str]]:
    if not _has(q, "shuffle") or not q.shuffle:
        return []
    problems: list[tuple[Loc, str]] = []
    if _has(q, "options"):
        for index, text in enumerate(q.options):
            if POSITIONAL_OPTION.search(text):
                problems.append(
                    (
                        ("options", index),
                        # TRANSLATORS: {text} is an option's text, quoted, e.g. 'all of the above';
                        # `shuffle: false` is the file format and stays as it is.
                        _(
                            "{text} depends on the order, but options are shuffled when shown: "
                            "add `shuffle: false` to this question"
                        ).format(text=repr(text)),
                    )
                )
    texts: list[tuple[Loc, str]] = []
    for name in ("prompt", "hint"):
        if _has(q, name):
            texts.append(((name,), getattr(q, name)))
    if _has(q, "solution"):
        texts.extend((("solution", i), step) for i, step in enumerate(q.solution))
    if _has(q, "mistakes"):
        texts.extend((("mistakes", i, "text"), m.text) for i, m in enumerate(q.mistakes))
    count = len(q.options) if _has(q, "options") else len(LETTERS)
    for loc, text in texts:
        letter = option_named_by_letter(text, count)
        if letter:
            problems.append(
                (
                    loc,
                    # TRANSLATORS: {letter} is an option's letter, e.g. B; `shuffle: false` stays as it is.
                    _(
                        "names option {letter} by its letter, but options are shuffled when shown: "
                        "name the option by its text, or add `shuffle: false` to this question"
                    ).format(letter=letter),
                )
            )
    return problems


def option_named_by_letter(text: str, options: int) -> str | None:
    """The letter of one of a question's `options` that `text` names ("option B"), if any: text
    that shuffled options would make untrue. Only the question's own letters count, so "the
    option I prefer" names no option of a four-option question."""
    letters = LETTERS[:options]
    return next((m.group(1) for m in OPTION_BY_LETTER.finditer(text) if m.group(1) in letters), None)


def _blank_count(q: Question) -> tuple[int, list[tuple[Loc, str]]]:
    """fill_blanks code needs blanks [1]..[n], each once, n <= MAX_BLANKS. Returns (n, problems)."""
    if q.code is None or not q.code.strip():
        # TRANSLATORS: fill_blanks is a question kind of the file format; [1], [2] are how blanks are written.
        return 0, [(("code",), _("a fill_blanks question needs code with blanks marked [1], [2]..."))]
    found = [int(n) for n in BLANK_RE.findall(q.code)]
    numbers = sorted(set(found))
    blanks = len(numbers)
    if not found:
        # TRANSLATORS: [1], [2] are how blanks are written in the code; they stay as they are.
        return 0, [(("code",), _("has no blanks: mark them [1], [2]... in the code"))]
    problems: list[tuple[Loc, str]] = []
    if numbers != list(range(1, blanks + 1)):
        listed = ", ".join(f"[{n}]" for n in numbers)
        problems.append(
            (
                ("code",),
                # TRANSLATORS: {listed} lists the code's blanks, e.g. "[1], [3]"; {last} is the
                # blank the numbering should end at, e.g. "[2]". x[5] and x[ 5] are code examples.
                _(
                    "blanks are {listed}; number them [1] to {last} without gaps "
                    "(write a real index such as x[5] as x[ 5])"
                ).format(listed=listed, last=f"[{blanks}]"),
            )
        )
    elif blanks > MAX_BLANKS:
        problems.append(
            (
                ("code",),
                # TRANSLATORS: {limit} is the most blanks one question may have.
                ngettext(
                    "has {count} blank; at most {limit} fit one Discord message",
                    "has {count} blanks; at most {limit} fit one Discord message",
                    blanks,
                ).format(count=blanks, limit=MAX_BLANKS),
            )
        )
    for number in numbers:
        if found.count(number) > 1:
            times = found.count(number)
            problems.append(
                (
                    ("code",),
                    # TRANSLATORS: {blank} is a blank as the code writes it, e.g. "[2]".
                    ngettext(
                        "blank {blank} appears {count} time", "blank {blank} appears {count} times", times
                    ).format(blank=f"[{number}]", count=times),
                )
            )
    return blanks, problems


def _blank_and_answer_rules(q: Question) -> list[tuple[Loc, str]]:
    if not _has(q, "kind"):
        return []
    problems: list[tuple[Loc, str]] = []
    blanks = 0
    if q.kind == "fill_blanks" and _has(q, "code"):
        blanks, problems = _blank_count(q)
    if not _has(q, "answer"):
        return problems
    answer_ok = not problems
    if q.kind == "multiple_choice" and not isinstance(q.answer, str):
        # TRANSLATORS: multiple_choice and `answer: B` are the file format: they stay as they are.
        problems.append((("answer",), _("a multiple_choice answer is one letter, e.g. `answer: B`")))
        answer_ok = False
    if q.kind == "fill_blanks":
        if isinstance(q.answer, str):
            problems.append(
                # TRANSLATORS: fill_blanks and `answer: [A]` are the file format: they stay as they are.
                (("answer",), _("a fill_blanks answer is a list of letters, one per blank: `answer: [A]`"))
            )
            answer_ok = False
        elif blanks and len(q.answer) != blanks:
            problems.append(
                (
                    ("answer",),
                    # TRANSLATORS: {letters} is "{count} letter(s)" and {blanks} "{count} blank(s)", below.
                    _("has {letters} but the code has {blanks}; give one per blank").format(
                        letters=ngettext("{count} letter", "{count} letters", len(q.answer)).format(
                            count=len(q.answer)
                        ),
                        blanks=ngettext("{count} blank", "{count} blanks", blanks).format(count=blanks),
                    ),
                )
            )
            answer_ok = False
    if not _has(q, "options"):
        return problems
    letters = q.letters
    for index, letter in enumerate(q.answer_letters):
        if letter not in letters:
            where: Loc = ("answer",) if isinstance(q.answer, str) else ("answer", index)
            problems.append((where, _not_an_option(letter, letters)))
            answer_ok = False
    if q.kind == "fill_blanks" and answer_ok and blanks:
        error = _compiles(q.filled_code() or "")
        if error is not None:
            problems.append(
                (
                    ("code",),
                    # TRANSLATORS: {line} is a line number; {error} is Python's own message, in English.
                    _("with the right answers filled in is not valid Python: line {line}: {error}").format(
                        line=error.lineno, error=error.msg
                    ),
                )
            )
    return problems


def _mistake_rules(q: Question) -> list[tuple[Loc, str]]:
    if not _has(q, "mistakes", "options", "kind", "answer"):
        return []
    problems: list[tuple[Loc, str]] = []
    letters = q.letters
    for index, mistake in enumerate(q.mistakes):
        if mistake.option is None:
            continue
        loc: Loc = ("mistakes", index, "option")
        if mistake.option not in letters:
            problems.append((loc, _not_an_option(mistake.option, letters)))
        elif q.kind == "multiple_choice" and mistake.option == q.answer:
            problems.append(
                (
                    loc,
                    # TRANSLATORS: {letter} is an option letter, quoted, e.g. 'B'.
                    _("{letter} is the right answer; a mistake explains a wrong option").format(
                        letter=repr(mistake.option)
                    ),
                )
            )
    return problems


def _translation_rules(q: Question) -> list[tuple[Loc, str]]:
    """Each translation fits its question: a language Discord has, the same options, mistakes and
    blanks, each option a one-line button label."""
    if not _has(q, "translations"):
        return []
    problems: list[tuple[Loc, str]] = []
    for language, translation in q.translations.items():
        at: Loc = ("translations", language)
        if language not in LANGUAGES:
            problems.append(
                (
                    at,
                    # TRANSLATORS: {value} is the language code the file has, quoted; the codes stay as they are.
                    _("{value} is not a Discord language: use a code such as de, fr, es, pt-BR").format(
                        value=repr(language)
                    ),
                )
            )
        if _has(q, "options") and len(translation.options) != len(q.options):
            problems.append(
                (
                    (*at, "options"),
                    # TRANSLATORS: {count} is how many options a translation has, {question} how many
                    # the question has.
                    ngettext(
                        "has {count} option; the question has {question}: translate each one, in the same order",
                        "has {count} options; the question has {question}: translate each one, in the same order",
                        len(translation.options),
                    ).format(count=len(translation.options), question=len(q.options)),
                )
            )
        for index, text in enumerate(translation.options):
            if not text.strip() or "\n" in text or len(text) > MAX_OPTION_CHARS:
                problems.append(
                    (
                        (*at, "options", index),
                        # TRANSLATORS: {limit} is the most characters a Discord button label holds (80).
                        _("must be one line of 1 to {limit} characters").format(limit=MAX_OPTION_CHARS),
                    )
                )
        if translation.mistakes and _has(q, "mistakes") and len(translation.mistakes) != len(q.mistakes):
            problems.append(
                (
                    (*at, "mistakes"),
                    # TRANSLATORS: {count} is how many mistakes a translation has, {question} how many
                    # the question has.
                    ngettext(
                        "has {count} mistake; the question has {question}",
                        "has {count} mistakes; the question has {question}",
                        len(translation.mistakes),
                    ).format(count=len(translation.mistakes), question=len(q.mistakes)),
                )
            )
        code = translation.code
        if code is not None and _has(q, "code"):
            mine, theirs = set(BLANK_RE.findall(q.code or "")), set(BLANK_RE.findall(code))
            if mine != theirs:
                # TRANSLATORS: the question's blanks when its code has none (in "must have the question's blanks (none)").
                shown = ", ".join(f"[{b}]" for b in sorted(mine, key=int)) or _("none")
                # TRANSLATORS: {blanks} lists the question's blanks, e.g. "[1], [2]", or says "none".
                same_blanks = _("must have the question's blanks ({blanks})").format(blanks=shown)
                problems.append(((*at, "code"), same_blanks))
            if "```" in code:
                problems.append(((*at, "code"), _(NO_FENCE)))
    return problems


def _code_rules(q: Question) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    # Code blocks must survive Discord's markdown.
    for name in ("code", "demo", "prompt"):
        source = q.__dict__.get(name)
        if isinstance(source, str) and "```" in source:
            problems.append(((name,), _(NO_FENCE)))
    demo = q.__dict__.get("demo")
    if isinstance(demo, str):
        error = _compiles(demo)
        if error is not None:
            # TRANSLATORS: {line} is a line number of the demo code; {error} is Python's own message, in English.
            message = _("is not valid Python: line {line} of the demo: {error}").format(
                line=error.lineno, error=error.msg
            )
            problems.append((("demo",), DemoProblem(message, error.lineno)))
    return problems


def _repeat_inside_a_repeat(pattern: str) -> bool:
    """An unbounded repeat (+, *, {n,}) anywhere inside another: the shape that backtracks for ever."""
    from re import _constants, _parser  # type: ignore[attr-defined]

    repeats = (_constants.MAX_REPEAT, _constants.MIN_REPEAT)

    def walk(node: object, inside: bool) -> bool:
        if isinstance(node, _parser.SubPattern):
            for op, av in node:
                if op in repeats:
                    _low, high, body = av
                    unbounded = high == _constants.MAXREPEAT
                    if (unbounded and inside) or walk(body, inside or unbounded):
                        return True
                elif walk(av, inside):
                    return True
        elif isinstance(node, tuple | list):
            return any(walk(part, inside) for part in node)
        return False

    return walk(_parser.parse(pattern), inside=False)


def _output_rules(q: Question) -> list[tuple[Loc, str]]:
    if not _has(q, "output_check", "kind", "answer", "demo") or q.output_check is None:
        return []
    problems: list[tuple[Loc, str]] = []
    check = q.output_check
    try:
        re.compile(check.pattern)
    except re.error as exc:
        problems.append(
            (
                ("output_check", "pattern"),
                # TRANSLATORS: {error} is Python's own message, in English.
                _("is not a valid regular expression: {error}").format(error=exc),
            )
        )
    else:
        if _repeat_inside_a_repeat(check.pattern):
            problems.append(
                (
                    ("output_check", "pattern"),
                    # TRANSLATORS: `(a+)+` is a regular expression example: it stays as it is.
                    _(
                        "repeats a part that itself repeats (like `(a+)+`), which can take for ever to match: "
                        "repeat each part once"
                    ),
                )
            )
    if q.kind != "multiple_choice":
        # TRANSLATORS: multiple_choice is a question kind of the file format; it stays as it is.
        only = _("only a multiple_choice question can claim what its demo prints")
        problems.append((("output_check",), only))
    elif check.supports != q.answer:
        problems.append(
            (
                ("output_check", "supports"),
                # TRANSLATORS: {supports} and {answer} are option letters, quoted, e.g. 'B'.
                _("is {supports} but the answer is {answer}").format(
                    supports=repr(check.supports), answer=repr(q.answer)
                ),
            )
        )
    if q.demo is None:
        # TRANSLATORS: output_check lacks a `demo:` (the code run for real) to check the output of.
        problems.append((("output_check",), _("needs a demo whose output it checks")))
    return problems


def _size_rules(q: Question) -> list[tuple[Loc, str]]:
    # Discord embed sizes: the card is one description; the card plus its feedback fit one message.
    if not _has(q, "prompt", "code", "options", "hint", "mistakes", "solution"):
        return []
    problems: list[tuple[Loc, str]] = []
    card = len(card_description(q))
    if card > EMBED_DESCRIPTION_CHARS:
        problems.append(
            (
                ("prompt",),
                # TRANSLATORS: prompt, code and options are the question's fields; {limit} is the most
                # characters a Discord embed description holds.
                ngettext(
                    "prompt, code and options make {count} character; an embed description holds {limit}",
                    "prompt, code and options make {count} characters; an embed description holds {limit}",
                    card,
                ).format(count=card, limit=EMBED_DESCRIPTION_CHARS),
            )
        )
    if len(q.hint) > EMBED_FIELD_CHARS:
        problems.append(
            (
                ("hint",),
                # TRANSLATORS: {limit} is the most characters a Discord embed field holds.
                ngettext(
                    "is {count} character; at most {limit} fit an embed field",
                    "is {count} characters; at most {limit} fit an embed field",
                    len(q.hint),
                ).format(count=len(q.hint), limit=EMBED_FIELD_CHARS),
            )
        )
    for index, mistake in enumerate(q.mistakes):
        if len(mistake.text) > EMBED_FIELD_CHARS:
            problems.append(
                (
                    ("mistakes", index, "text"),
                    # TRANSLATORS: {limit} is the most characters a Discord embed field holds.
                    ngettext(
                        "is {count} character; at most {limit}",
                        "is {count} characters; at most {limit}",
                        len(mistake.text),
                    ).format(count=len(mistake.text), limit=EMBED_FIELD_CHARS),
                )
            )
    total = card + feedback_chars(q) + EMBED_TITLE_CHARS
    if total > EMBED_TOTAL_CHARS:
        problems.append(
            (
                ("solution",),
                # TRANSLATORS: hint, mistakes and solution are the question's fields; {limit} is the most
                # characters a Discord message's embeds hold together.
                ngettext(
                    "the question with its hint, mistakes and solution makes about {count} character; "
                    "a Discord message's embeds hold {limit}",
                    "the question with its hint, mistakes and solution makes about {count} characters; "
                    "a Discord message's embeds hold {limit}",
                    total,
                ).format(count=total, limit=EMBED_TOTAL_CHARS),
            )
        )
    return problems
