"""Moodle XML (`<quiz><question type="multichoice">...`), read with defusedxml.

multichoice (one right answer) and truefalse become multiple choice; gapselect ("select missing
words") whose gaps sit in a <pre> code block becomes fill_blanks; other types are skipped and named.
quizbot's exports keep difficulty as a `difficulty:X` tag, the hint as Moodle's own <hint>, the id
as <idnumber> and `shuffle` as <shuffleanswers>.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from bot.i18n import _
from content.formats._common import (
    Conversion,
    Draft,
    HtmlText,
    Reader,
    build,
    check_difficulty,
    code_to_html,
    export_notes,
    html_to_text,
    one_line,
    steps_from,
    steps_to_html,
    text_to_html,
)
from content.models import BLANK_RE, LETTERS, Lesson, Question

NAME = "moodle-xml"
LABEL = "Moodle XML"
_GAP = re.compile(r"\[\[([1-9][0-9]*)\]\]")


def looks_like(text: str) -> bool:
    return "<quiz" in text[:4096]


class _LineParser(DefusedXMLParser):
    """defusedxml's parser (no DTD, no entities, no external references) that notes each element's line."""

    def _start(self, tag: Any, attr_list: Any) -> ET.Element:  # pure-Python XMLParser hook
        element: ET.Element = super()._start(tag, attr_list)  # type: ignore[misc]
        element.set("_line", str(self.parser.CurrentLineNumber))  # type: ignore[attr-defined]
        return element


def _parse(text: str, reader: Reader) -> ET.Element | Conversion:
    parser = _LineParser(forbid_dtd=True)
    try:
        parser.feed(text)
        root: ET.Element = parser.close()
    except DefusedXmlException:
        return reader.whole(
            _(
                "declares a DTD or entities, which quizbot refuses (entity expansion can exhaust memory); "
                "Moodle's own exports have none"
            )
        )
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 1
        # TRANSLATORS: {error} is the XML parser's own explanation, in English ("mismatched tag").
        return reader.whole(_("is not well-formed XML: {error}").format(error=str(exc).split(":")[0]), line)
    except RecursionError:
        return reader.whole(_("nests too deeply to be a Moodle question file"))
    return root


def convert(name: str, text: str, reader: Reader) -> Conversion:
    root = _parse(text, reader)
    if isinstance(root, Conversion):
        return root
    if root.tag != "quiz":
        # TRANSLATORS: {element} is the file's top XML element, e.g. <questions>; <quiz> is an XML
        # element's name (keep it as it is).
        message = _("the top element is {element}; a Moodle XML file has <quiz>")
        return reader.whole(message.format(element=f"<{root.tag}>"))
    drafts: list[Draft] = []
    category: str | None = None
    number = 0
    for element in root.findall("question"):
        kind = element.get("type", "")
        if kind == "category":
            category = _text(element.find("category")) or category
            continue
        number += 1
        line = int(element.get("_line", "1"))
        reader_fn = _READERS.get(kind)
        if reader_fn is None:
            # TRANSLATORS: {type} is the Moodle question type, quoted ('essay').
            why = _("Moodle question type {type} has no options to pick from").format(type=repr(kind))
            reader.skip(number, line, why)
            continue
        draft = reader_fn(element, line, number, reader)
        if draft is not None:
            drafts.append(draft)
    title = category.rsplit("/", 1)[-1].strip() if category else None
    if title and (title.startswith("$") or title.lower() in ("top", "default")):
        title = None
    return build(reader, drafts, title=title, format_label=LABEL)


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    inner = element.find("text")
    return (inner.text if inner is not None else element.text) or ""


def _html(element: ET.Element | None) -> HtmlText:
    raw = _text(element)
    markup = element.get("format", "html") if element is not None else "html"
    if markup == "moodle_auto_format":  # text whose line breaks Moodle shows, HTML allowed
        return html_to_text(raw.replace("\n", "<br>"))
    if markup != "html":  # plain_text, markdown
        return HtmlText(raw.strip(), None, [], 0)
    return html_to_text(raw)


def _common(element: ET.Element, line: int, reader: Reader) -> Draft:
    question = _html(element.find("questiontext"))
    if question.images:
        reader.assume(_("Images in question text were left out: Discord shows the text only"))
    draft = Draft(
        line=line,
        prompt=question.text,
        options=[],
        answer=[],
        title=one_line(_text(element.find("name"))),
        code=question.code,
    )
    draft.solution = steps_from(_html(element.find("generalfeedback")))
    hints = [h for h in (_html(hint).text for hint in element.findall("hint")) if h]
    if hints:
        draft.hint = hints[0]
    for tag in element.findall("tags/tag"):
        value = _text(tag).strip().lower().removeprefix("difficulty").lstrip(":-_ ")
        draft.difficulty = check_difficulty(value) or draft.difficulty
    idnumber = (element.findtext("idnumber") or "").strip()
    draft.qid = idnumber or None
    # Moodle shuffles unless told not to, as quizbot does.
    draft.shuffle = (element.findtext("shuffleanswers") or "true").strip().lower() not in ("false", "0")
    return draft


def _multichoice(element: ET.Element, line: int, number: int, reader: Reader) -> Draft | None:
    draft = _common(element, line, reader)
    if (element.findtext("single") or "true").strip().lower() in ("false", "0"):
        reader.skip(number, line, _("it allows several answers, and a quizbot question has one right option"))
        return None
    return _answers(draft, element, number, reader)


def _answers(draft: Draft, element: ET.Element, number: int, reader: Reader) -> Draft | None:
    right: list[int] = []
    for index, answer in enumerate(element.findall("answer")):
        draft.options.append(one_line(_html(answer).text))
        try:
            fraction = float(answer.get("fraction", "0"))
        except ValueError:
            fraction = 0.0
        feedback = one_line(_html(answer.find("feedback")).text)
        if fraction >= 100:
            right.append(index)
        elif feedback:
            draft.mistakes[index] = feedback
    if len(right) != 1:
        if not right:
            # TRANSLATORS: fraction is a Moodle XML attribute (keep it as it is): 100 marks a right answer.
            why = _("no answer has fraction 100, and a quizbot question has one right option")
        else:
            # TRANSLATORS: fraction is a Moodle XML attribute (keep it as it is): 100 marks a right answer.
            why = _("several answers have fraction 100, and a quizbot question has one right option")
        reader.skip(number, draft.line, why)
        return None
    draft.answer = right
    return draft


def _truefalse(element: ET.Element, line: int, number: int, reader: Reader) -> Draft | None:
    draft = _answers(_common(element, line, reader), element, number, reader)
    if draft is not None:
        draft.options = [option.capitalize() for option in draft.options]
    return draft


def _gapselect(element: ET.Element, line: int, number: int, reader: Reader) -> Draft | None:
    draft = _common(element, line, reader)
    code = draft.code or ""
    gaps = _GAP.findall(code)
    if not gaps or _GAP.search(draft.prompt):
        reader.skip(number, line, _("its gaps are in prose; quizbot's blanks are in a code block"))
        return None
    choices = [one_line(_text(option)) for option in element.findall("selectoption")]
    groups = {(option.findtext("group") or "1").strip() for option in element.findall("selectoption")}
    if len(groups) > 1:
        reader.skip(number, line, _("its gaps draw from different groups; quizbot blanks share one list"))
        return None
    answer: list[int] = []

    def blank(match: re.Match[str]) -> str:
        answer.append(int(match.group(1)) - 1)
        return f"[{len(answer)}]"

    draft.kind, draft.code = "fill_blanks", _GAP.sub(blank, code)
    draft.options, draft.answer = choices, answer
    return draft


_READERS = {"multichoice": _multichoice, "truefalse": _truefalse, "gapselect": _gapselect}


# ---- export ------------------------------------------------------------------------------------


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text_el(tag: str, html_text: str, indent: str, fmt: str = ' format="html"') -> str:
    return f"{indent}<{tag}{fmt}>\n{indent}  <text>{_cdata(html_text)}</text>\n{indent}</{tag}>"


def export(lesson: Lesson) -> tuple[str, list[str]]:
    """The lesson as Moodle XML: multichoice, and fill_blanks as gapselect over a code block."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    out += [
        "<!-- question: 0  -->",
        '  <question type="category">',
        "    <category>",
        f"      <text>{_cdata('$course$/top/' + lesson.title)}</text>",
        "    </category>",
        '    <info format="html">',
        f"      <text>{_cdata(text_to_html(lesson.topic))}</text>",
        "    </info>",
        "    <idnumber></idnumber>",
        "  </question>",
        "",
    ]
    for number, question in enumerate(lesson.questions, start=1):
        out.append(f"<!-- question: {number}  -->")
        out.extend(_export_question(question))
        out.append("")
    out.append("</quiz>")
    return "\n".join(out) + "\n", export_notes(lesson, LABEL, fill_blanks_mistakes=True)


def _export_question(question: Question) -> list[str]:
    is_gap = question.kind == "fill_blanks"
    text = text_to_html(question.prompt)
    if question.code is not None:
        code = question.code
        if is_gap:
            answers = question.answer_letters
            code = BLANK_RE.sub(lambda m: f"[[{LETTERS.index(answers[int(m.group(1)) - 1]) + 1}]]", code)
        text += code_to_html(code)
    out = [
        f'  <question type="{"gapselect" if is_gap else "multichoice"}">',
        f"    <name>\n      <text>{_cdata(question.id)}</text>\n    </name>",
        _text_el("questiontext", text, "    "),
        _text_el("generalfeedback", steps_to_html(list(question.solution)), "    "),
        "    <defaultgrade>1.0000000</defaultgrade>",
        "    <penalty>0.3333333</penalty>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{question.id}</idnumber>",
    ]
    if is_gap:
        out.append(f"    <shuffleanswers>{int(question.shuffle)}</shuffleanswers>")
        for option in question.options:
            out.append(
                f"    <selectoption>\n      <text>{_cdata(option)}</text>\n"
                "      <group>1</group>\n    </selectoption>"
            )
    else:
        out += [
            "    <single>true</single>",
            f"    <shuffleanswers>{str(question.shuffle).lower()}</shuffleanswers>",
            "    <answernumbering>ABCD</answernumbering>",
            "    <showstandardinstruction>0</showstandardinstruction>",
        ]
        for letter, option in zip(question.letters, question.options, strict=True):
            fraction = "100" if letter == question.answer else "0"
            mistake = question.mistake_for(letter)
            out.append(f'    <answer fraction="{fraction}" format="html">')
            out.append(f"      <text>{_cdata(text_to_html(option))}</text>")
            feedback = text_to_html(mistake.text) if mistake else ""
            out.append(
                f'      <feedback format="html">\n        <text>{_cdata(feedback)}</text>\n      </feedback>'
            )
            out.append("    </answer>")
    out.append(_text_el("hint", text_to_html(question.hint), "    "))
    out.append(f"    <tags>\n      <tag><text>difficulty:{question.difficulty}</text></tag>\n    </tags>")
    out.append("  </question>")
    return out
