"""Imports from other question formats and exports to them: what a moderator's file becomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from content import Lesson, Question, load_lesson_text, load_library
from content.formats import MAX_QUESTIONS, Conversion, convert, detect_format, export
from content.loader import MAX_PACK_BYTES

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"


def imported(name: str, format: str | None = None) -> tuple[Conversion, Lesson]:
    result = convert(name, (FIXTURES / name).read_bytes(), format)
    assert result.problems == [], result.problems
    assert result.pack_yaml is not None
    return result, load_lesson_text(result.pack_yaml, name)


def shape(question: Question) -> tuple[str, list[str], str, str]:
    return question.prompt, list(question.options), str(question.answer), question.difficulty


def one_problem(name: str, data: bytes, format: str | None = None) -> str:
    result = convert(name, data, format)
    assert result.pack_yaml is None
    (problem,) = result.problems
    assert "\n" not in str(problem)
    return str(problem)


# ---- each format's example file ----------------------------------------------------------------


def test_gift_example_converts_choices_true_false_and_escapes_and_skips_typed_answers() -> None:
    result, lesson = imported("ml_basics.gift")
    assert result.format == "gift"
    assert lesson.id == "ml_basics"
    assert lesson.title == "Machine learning basics"  # from $CATEGORY
    assert [shape(q) for q in lesson.questions] == [
        (
            "A model scores 99% on its training data and 60% on new data. What is it doing?",
            [
                "Overfitting: it memorised the training examples",
                "Underfitting",
                "Converging normally",
                "Using too little memory",
            ],
            "A",
            "medium",
        ),
        (
            "What happens when the learning rate is far too high?",
            [
                "Training becomes slower but steadier",
                "The loss jumps around or grows instead of falling",
                "Nothing, the optimizer corrects it",
            ],
            "B",
            "medium",
        ),
        ("The validation set is used to update the model's weights.", ["True", "False"], "B", "medium"),
        (
            "Keras' validation_split = 0.2 keeps which rows out of training?",
            ["the first 20%", "the last 20%", "a random 20%"],
            "B",
            "medium",
        ),
        ("Which literal makes an empty dict in Python?", ["{}", "set()", "[]"], "A", "medium"),
    ]
    first = lesson.questions[0]
    assert first.id == "ml_basics.overfitting"
    assert first.solution == [
        "A large gap between training and validation scores is the sign of overfitting."
    ]
    assert first.mistake_for("B") is not None
    assert first.mistake_for("B").text == "Underfitting is poor on the training data too."  # type: ignore[union-attr]
    assert lesson.questions[2].mistake_for("A").text == (  # type: ignore[union-attr]
        "No: the weights are fitted on the training set only."
    )
    assert result.assumptions == [
        "True/false questions become two options, True and False",
        "Question 5 (line 25) skipped: a short answer is typed, not picked from options",
        "Question 6 (line 27) skipped: a numerical answer is typed, not picked from options",
        "Lesson id 'ml_basics' comes from the file name",
        "GIFT has no difficulty: set to medium",
        "GIFT has no hints: each hint asks to reread the question and rule options out",
        "4 of 5 questions had no worked solution: the solution names the right answer",
        "Question ids were made from the file name and each question's title or number",
    ]
    assert result.pack_yaml is not None
    for assumption in result.assumptions:
        assert f"# Assumed: {assumption}\n" in result.pack_yaml


def test_moodle_xml_as_moodle_exports_it_keeps_code_feedback_hints_and_tags() -> None:
    result, lesson = imported("ml_basics_moodle.xml")
    assert result.format == "moodle-xml"
    assert lesson.title == "Machine learning basics"  # the category's last part
    assert [shape(q) for q in lesson.questions] == [
        ("How many trainable parameters does this layer have?", ["12", "16", "7", "4"], "B", "hard"),
        ("You should tune hyperparameters on the **test** set.", ["True", "False"], "B", "medium"),
        (
            "Which activation turns a layer's outputs into class probabilities that sum to 1?",
            ["`relu`", "`sigmoid`", "`softmax`"],
            "C",
            "easy",
        ),
    ]
    dense, truth, softmax = lesson.questions
    assert dense.code == "layer = tf.keras.layers.Dense(4)\nlayer.build((None, 3))"
    assert dense.hint == "Count the weights, then the biases."
    assert dense.solution == [
        "A Dense layer has one weight per input and unit, plus one bias per unit.",
        "3 × 4 + 4 = 16.",
    ]
    assert dense.mistake_for("D").text == "4 is the number of units, not of parameters."  # type: ignore[union-attr]
    assert truth.mistake_for("A") is not None
    assert softmax.id == "act-softmax"  # Moodle's ID number is kept
    assert softmax.solution == [
        "softmax exponentiates each output.",
        "It divides by the sum, so the outputs add up to 1.",
    ]
    assert (
        "Question 4 (line 160) skipped: Moodle question type 'shortanswer' has no options to pick from"
        in (result.assumptions)
    )
    assert "1 of 3 questions had no difficulty: set to medium" in result.assumptions


def test_aiken_example_reads_both_option_styles() -> None:
    result, lesson = imported("ml_basics_aiken.txt")
    assert result.format == "aiken"
    assert [shape(q) for q in lesson.questions] == [
        (
            "What does a loss function measure?",
            [
                "How far the predictions are from the targets",
                "How many layers the model has",
                "How long one epoch takes",
                "How much memory the weights use",
            ],
            "A",
            "medium",
        ),
        (
            "Which Keras call trains a compiled model?",
            ["model.run()", "model.fit()", "model.train()"],
            "B",
            "medium",
        ),
        (
            "Why split off a validation set?",
            [
                "To train faster",
                "To have more training data",
                "To measure the model on data it was not fitted to",
            ],
            "C",
            "medium",
        ),
    ]
    assert lesson.questions[1].solution == ["The right answer is: model.fit()."]
    assert "Aiken has no difficulty: set to medium" in result.assumptions
    assert (
        "Lesson id 'ml_basics_aiken' comes from the file name, and so do its title and topic "
        "('Ml basics aiken')" in result.assumptions
    )


def test_kahoot_sheet_skips_questions_with_several_right_answers_and_drops_time_limits() -> None:
    result, lesson = imported("ml_basics_kahoot.csv")
    assert result.format == "kahoot-csv"
    assert [shape(q) for q in lesson.questions] == [
        (
            "What does an epoch mean?",
            ["One pass over the training data", "One weight update", "One layer", "One prediction"],
            "A",
            "medium",
        ),
        (
            "Which is a regression loss?",
            ["binary_crossentropy", "mean_squared_error", "hinge"],
            "B",
            "medium",
        ),
        (
            "Dropout, during training, does what?",
            ["Adds layers", "Zeroes random activations, scaling the rest"],
            "B",
            "medium",
        ),
    ]
    assert result.assumptions[:2] == [
        "Question 3 (line 10) skipped: answers 1, 3 are all right; a quizbot question has one",
        "Kahoot time limits were dropped: quizbot questions wait for each member",
    ]


def test_red_trivia_answers_become_options_drawn_from_the_list_and_say_so() -> None:
    result, lesson = imported("ml_basics_red.yaml")
    assert result.format == "red-trivia"
    assert lesson.source == "Red trivia list by Study group"
    rights = [q.answer_texts[0] for q in lesson.questions]
    assert rights == ["Stochastic", "TensorFlow", "epoch", "ReLU"]
    for question in lesson.questions:
        assert sorted(question.options) == sorted(["Stochastic", "TensorFlow", "epoch", "ReLU"])
    assert lesson.questions[1].solution == ["Accepted answers: TensorFlow, tensorflow."]
    assert result.assumptions[0].startswith(
        "Red trivia answers are typed, not picked: each question's first answer is the right option"
    )
    # Stable: the same file gives the same letters every time.
    assert convert("ml_basics_red.yaml", (FIXTURES / "ml_basics_red.yaml").read_bytes()) == result


def test_open_trivia_db_unescapes_html_and_keeps_difficulty() -> None:
    result, lesson = imported("opentdb_computers.json")
    assert result.format == "opentdb-json"
    assert lesson.topic == "Science: Computers"
    assert [(q.prompt, q.answer_texts[0], q.difficulty) for q in lesson.questions] == [
        ('What does "CPU" stand for?', "Central Processing Unit", "easy"),
        ('The programming language "Python" is named after the snake.', "False", "medium"),
        (
            "Which of these was the name of Google's machine learning framework released in 2015?",
            "TensorFlow",
            "hard",
        ),
    ]
    assert lesson.questions[1].options == ["True", "False"]
    assert sorted(lesson.questions[0].options) == sorted(
        [
            "Central Processing Unit",
            "Central Process Unit",
            "Computer Personal Unit",
            "Central Processor Unit",
        ]
    )
    assert not any("difficulty" in a for a in result.assumptions)


def test_quizbot_yaml_passes_through_the_loaders_checks() -> None:
    path = Path("content/lessons/010_loss_functions.yaml")
    bundled = (Path(__file__).resolve().parents[1] / path).read_bytes()
    result = convert(path.name, bundled)
    assert (result.format, result.pack_yaml, result.problems) == ("yaml", bundled.decode(), [])
    broken = bundled.replace(b"answer: B", b"answer: Q", 1)
    problems = [str(p) for p in convert(path.name, broken).problems]
    assert "010_loss_functions.yaml:19: questions[0].answer: 'Q' is not one of the options A-D" in problems


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ml_basics.gift", "gift"),
        ("ml_basics_moodle.xml", "moodle-xml"),
        ("ml_basics_aiken.txt", "aiken"),
        ("ml_basics_kahoot.csv", "kahoot-csv"),
        ("ml_basics_red.yaml", "red-trivia"),
        ("opentdb_computers.json", "opentdb-json"),
    ],
)
def test_the_format_is_recognised_from_the_name_and_from_the_content_alone(name: str, expected: str) -> None:
    data = (FIXTURES / name).read_bytes()
    assert detect_format(name, data) == expected
    assert detect_format("upload.dat", data) == expected
    assert convert("upload.dat", data).format == expected


def test_a_gift_file_named_txt_is_read_as_gift() -> None:
    data = (FIXTURES / "ml_basics.gift").read_bytes()
    assert detect_format("questions.txt", data) == "gift"


def test_a_yaml_file_that_matches_neither_yaml_format_is_checked_as_a_quizbot_pack() -> None:
    typo = b"id: x\ntitle: t\ntopic: t\nsource: s\nquestons: []\n"
    result = convert("mine.yaml", typo)
    assert result.format == "yaml"
    assert str(result.problems[0]) == (
        "mine.yaml:5: questons: unknown key 'questons' (did you mean 'questions'?)"
    )


def test_two_questions_with_one_title_get_distinct_ids() -> None:
    data = b"::Loss:: First? {=a ~b}\n\n::Loss:: Second? {=a ~b}\n\n::q2:: Third? {=a ~b}\n"
    result = convert("dups.gift", data)
    assert result.ok, result.problems
    ids = [q.id for q in load_lesson_text(result.pack_yaml or "").questions]
    assert ids == ["dups.loss", "dups.q2", "dups.q3"]


# ---- what cannot be converted, and problems at the source line --------------------------------


def test_problems_point_at_the_line_of_the_question_in_the_uploaded_file() -> None:
    data = b"First?\nA. " + b"x" * 81 + b"\nB. b\nANSWER: A\n\nSecond?\nA. same\nB. same\nANSWER: B\n"
    result = convert("two.txt", data)
    assert result.pack_yaml is None
    assert [str(p) for p in result.problems] == [
        "two.txt:1: question 1 option A: is 81 characters; a Discord button label holds at most 80",
        "two.txt:6: question 2 option B: 'same' repeats option A",
    ]


def test_aiken_answer_that_is_not_an_option_is_a_problem_at_its_line() -> None:
    result = convert("q.txt", b"Which?\nA. a\nB. b\nANSWER: C\n")
    assert [str(p) for p in result.problems] == [
        "q.txt:4: question 1 ANSWER: 'C' is not one of the options A, B"
    ]


def test_gift_questions_with_several_right_answers_matching_and_essays_are_skipped_by_line() -> None:
    data = (
        b"Pick two. {~%50%Adam ~%50%SGD ~ReLU}\n\n"
        b"Match. {=Adam -> optimizer =ReLU -> activation =MSE -> loss}\n\n"
        b"Explain overfitting. {}\n\n"
        b"Kept? {=yes ~no}\n"
    )
    result = convert("mixed.gift", data)
    assert result.ok
    assert result.assumptions[:3] == [
        "Question 1 (line 1) skipped: no option is fully right, and a quizbot question has exactly one right option",
        "Question 2 (line 3) skipped: matching questions have no single set of options",
        "Question 3 (line 5) skipped: an essay question has no options",
    ]
    assert result.questions == 1


def test_moodle_gap_questions_in_prose_are_skipped_and_multi_answer_choices_too() -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="gapselect">
    <name><text>Gaps</text></name>
    <questiontext format="html"><text><![CDATA[<p>The [[1]] sat on the [[2]].</p>]]></text></questiontext>
    <selectoption><text>cat</text><group>1</group></selectoption>
    <selectoption><text>mat</text><group>1</group></selectoption>
  </question>
  <question type="multichoice">
    <name><text>Two</text></name>
    <questiontext format="html"><text>Optimizers?</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>Adam</text></answer>
    <answer fraction="50"><text>SGD</text></answer>
  </question>
</quiz>
"""
    result = convert("gaps.xml", data)
    assert result.assumptions[:2] == [
        "Question 1 (line 3) skipped: its gaps are in prose; quizbot's blanks are in a code block",
        "Question 2 (line 9) skipped: it allows several answers, and a quizbot question has one right option",
    ]
    assert [str(p) for p in result.problems] == [
        "gaps.xml:1: (file): no question quizbot can use was found in this Moodle XML file"
    ]


# ---- untrusted input: one line, never a traceback or a hang -------------------------------------


def test_xml_entities_and_external_references_are_refused_in_one_line() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<quiz>&c;</quiz>"
    )
    external = b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>'
    for data in (bomb, external):
        assert one_problem("q.xml", data) == (
            "q.xml:1: (file): declares a DTD or entities, which quizbot refuses "
            "(entity expansion can exhaust memory); Moodle's own exports have none"
        )


def test_broken_xml_is_one_problem_at_its_line() -> None:
    data = b'<?xml version="1.0"?>\n<quiz>\n<question type="multichoice">\n<name></quiz>\n'
    assert one_problem("q.xml", data) == "q.xml:4: (file): is not well-formed XML: mismatched tag"


def test_yaml_alias_bombs_and_deep_nesting_are_refused() -> None:
    rows = [b'a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for index in range(8):
        name, prev = b"bcdefghi"[index : index + 1], b"abcdefgh"[index : index + 1]
        rows.append(name + b": &" + name + b" [" + b",".join([b"*" + prev] * 10) + b"]")
    assert one_problem("bomb.yaml", b"\n".join(rows) + b"\n").endswith(
        "(file): the file expands to more than 100000 values (aliases?)"
    )
    assert one_problem("deep.yaml", b"[" * 5000 + b"]" * 5000).endswith(
        "(file): nests more than 50 levels deep; a lesson pack needs a few"
    )
    assert one_problem("deep.json", b"[" * 100_000 + b"]" * 100_000, "opentdb-json") == (
        "deep.json:1: (file): nests too deeply to be an Open Trivia DB response"
    )


def test_encodings_utf8_bom_and_utf16_are_read_and_named_others_refused() -> None:
    text = "Qu'est-ce qu'un réseau ?\nA. un graphe\nB. une liste\nANSWER: A\n"
    for data, note in [
        (b"\xef\xbb\xbf" + text.encode(), "The file was read as UTF-8 with a byte order mark"),
        (text.encode("utf-16"), "The file was read as UTF-16 (little-endian, byte order mark)"),
        (b"\xfe\xff" + text.encode("utf-16-be"), "The file was read as UTF-16 (big-endian, byte order mark)"),
    ]:
        result = convert("fr.txt", data)
        assert result.ok, result.problems
        assert note in result.assumptions
        assert load_lesson_text(result.pack_yaml or "").questions[0].prompt == "Qu'est-ce qu'un réseau ?"
    assert one_problem("fr.txt", text.encode("utf-16-le")) == (
        "fr.txt:1: (file): looks like UTF-16 without a byte order mark: save it as UTF-8"
    )
    assert one_problem("fr.txt", ("ok\n" + text).encode("latin-1")) == (
        "fr.txt:2: (file): byte 0xe9 is not UTF-8; save the file as UTF-8 (UTF-16 works too with a byte order mark)"
    )


def test_binary_empty_oversized_and_unrecognised_files_are_one_line_each() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert one_problem("quiz.png", png) == (
        "quiz.png:1: (file): looks like a binary file, not text: upload the question file itself"
    )
    assert one_problem("empty.gift", b"") == "empty.gift:1: (file): the file is empty"
    assert one_problem("big.gift", b"x" * (MAX_PACK_BYTES + 1)) == (
        "big.gift:1: (file): is 1025 KiB; an imported file may be at most 1024 KiB: split it"
    )
    assert one_problem("notes.dat", b"hello there").startswith(
        "notes.dat:1: (file): cannot tell which format this is: name it, one of yaml, gift, moodle-xml"
    )
    assert one_problem("x.gift", b"x", "word") == (
        "x.gift:1: (file): unknown format 'word'; use one of yaml, gift, moodle-xml, aiken, kahoot-csv, "
        "red-trivia, opentdb-json"
    )


def test_a_lesson_holds_at_most_500_questions() -> None:
    def aiken(count: int) -> bytes:
        return b"".join(b"Question %d?\nA. yes\nB. no\nANSWER: A\n\n" % n for n in range(count))

    assert convert("many.txt", aiken(MAX_QUESTIONS)).questions == MAX_QUESTIONS
    assert one_problem("many.txt", aiken(MAX_QUESTIONS + 1)) == (
        "many.txt:1: (file): has 501 questions; a lesson holds at most 500: split the file"
    )


# ---- exports --------------------------------------------------------------------------------------


def same_question(question: Question) -> tuple[object, ...]:
    mistakes = sorted((m.option, m.text) for m in question.mistakes if m.option)
    return (
        question.id,
        question.kind,
        question.prompt,
        (question.code or "").rstrip("\n"),
        question.options,
        question.answer,
        question.hint,
        question.solution,
        question.difficulty,
        mistakes if question.kind == "multiple_choice" else None,
        question.shuffle,
    )


BUNDLED = load_library()


@pytest.mark.parametrize("lesson_id", sorted(BUNDLED.lessons))
@pytest.mark.parametrize(("format", "suffix"), [("gift", ".gift"), ("moodle-xml", ".xml"), ("yaml", ".yaml")])
def test_an_exported_bundled_lesson_imports_again_with_the_same_questions(
    lesson_id: str, format: str, suffix: str
) -> None:
    lesson = BUNDLED.lessons[lesson_id]
    text, notes = export(lesson, format)
    result = convert(lesson_id + suffix, text.encode())
    assert result.problems == [] and result.format == format
    again = load_lesson_text(result.pack_yaml or "", lesson_id + suffix)
    expected = [q for q in lesson.questions if format != "gift" or q.kind == "multiple_choice"]
    assert [same_question(q) for q in again.questions] == [same_question(q) for q in expected]
    if format == "gift" and len(expected) < len(lesson.questions):
        assert any("fill_blanks question(s) left out" in note for note in notes)
    if format == "yaml":
        assert again.questions == lesson.questions  # everything, demos included


def test_code_and_markup_characters_survive_gift_and_moodle_xml() -> None:
    tricky = """\
id: tricky
title: Characters every format treats specially
topic: escaping
source: tests
questions:
  - id: tricky.q1
    kind: multiple_choice
    difficulty: hard
    prompt: "Which is right? {a: b} ~ = # :: <tag> & ]]> \\\\ end"
    code: |
      d = {"k": 1}  # a comment: ~not~ = ]]> <b>&amp;
      print(d["k"] == 1, "\\\\n")

      print(r"\\{\\}")
    options: ["{x}", "a=b", "~c", "#d: e", "<i>f</i> & g", "]]>"]
    answer: E
    shuffle: false
    hint: "Look at the :: and the { }."
    mistakes:
      - text: "= is not == #1"
        option: B
    solution:
      - "Step one: {braces} ~tilde~"
      - "Step two: <html> & \\\\ stays"
  - id: tricky.q2
    kind: fill_blanks
    difficulty: easy
    prompt: Fill the blanks.
    code: |
      x = [1]
      y = x[ 5] + [2]
    options: ["{1}", "a[0]", "3"]
    answer: [C, C]
    hint: Numbers.
    solution:
      - "Both are 3."
"""
    lesson = load_lesson_text(tricky, "tricky.yaml")
    for format, suffix, kept in [("gift", ".gift", 1), ("moodle-xml", ".xml", 2)]:
        text, _notes = export(lesson, format)
        result = convert("tricky" + suffix, text.encode())
        assert result.problems == [], (format, result.problems)
        again = load_lesson_text(result.pack_yaml or "")
        assert [same_question(q) for q in again.questions] == [
            same_question(q) for q in lesson.questions[:kept]
        ]


def test_moodle_export_is_a_quiz_moodle_reads_category_first_and_shuffling_off() -> None:
    text, notes = export(BUNDLED.lessons["losses"], "moodle-xml")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n<!-- question: 0  -->\n')
    assert '<question type="category">' in text
    assert "<text><![CDATA[$course$/top/Loss functions and what they measure]]></text>" in text
    assert text.count('<question type="multichoice">') == 6
    assert text.count('<question type="gapselect">') == 2
    assert "<shuffleanswers>true</shuffleanswers>" in text
    assert any("demo(s) and their output checks left out" in note for note in notes)


def test_an_unknown_export_format_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot export to 'kahoot-csv'"):
        export(BUNDLED.lessons["losses"], "kahoot-csv")


def test_code_indented_with_tabs_survives_the_pack_the_loader_reads() -> None:
    data = (
        b'<quiz><question type="multichoice"><name><text>Tabs</text></name>'
        b'<questiontext format="html"><text><![CDATA[<p>What does f() return?</p>'
        b"<pre>def f():\n\treturn 1 &lt; 2</pre>]]></text></questiontext>"
        b'<answer fraction="100"><text>True</text></answer><answer fraction="0"><text>1</text></answer>'
        b"</question></quiz>"
    )
    result = convert("tabs.xml", data)
    assert result.problems == []
    (question,) = load_lesson_text(result.pack_yaml or "").questions
    assert question.code == "def f():\n\treturn 1 < 2"


def test_options_that_depend_on_their_order_keep_it_and_the_import_says_why() -> None:
    data = (
        b"Which are optimizers?\nA. Adam\nB. SGD\nC. All of the above\nANSWER: C\n\n"
        b"Which is a loss?\nA. relu\nB. mse\nANSWER: B\n"
    )
    result = convert("order.txt", data)
    assert result.ok, result.problems
    bound, free = load_lesson_text(result.pack_yaml or "").questions
    assert (bound.shuffle, free.shuffle) == (False, True)
    assert "Question 1 (line 1) keeps its options in order: an option depends on the others' order" in (
        result.assumptions
    )
    feedback = b"Pick one. {=Adam ~SGD#Unlike option A, SGD keeps no running averages.}\n"
    result = convert("letter.gift", feedback)
    assert result.ok, result.problems
    assert load_lesson_text(result.pack_yaml or "").questions[0].shuffle is False
    assert "Question 1 (line 1) keeps its options in order: its text names an option by letter" in (
        result.assumptions
    )


def test_moodle_shuffleanswers_becomes_quizbot_shuffle() -> None:
    _result, lesson = imported("ml_basics_moodle.xml")
    assert all(q.shuffle for q in lesson.questions)  # Moodle's export says true
    pinned = (
        (FIXTURES / "ml_basics_moodle.xml")
        .read_bytes()
        .replace(b"<shuffleanswers>true</shuffleanswers>", b"<shuffleanswers>false</shuffleanswers>")
    )
    result = convert("pinned.xml", pinned)
    dense, truth, softmax = load_lesson_text(result.pack_yaml or "").questions
    assert (dense.shuffle, truth.shuffle, softmax.shuffle) == (False, True, False)
