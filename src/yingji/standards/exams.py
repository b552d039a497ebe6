"""逢查必考 (an exam at every inspection): the question bank in ``data/exam_questions.json``, a reproducible draw,
and scoring.

The bank covers 《中华人民共和国安全生产法》 (2021) and the rules most asked of 主要负责人 (``principal``), 安全生产
管理人员 (``safety_manager``) and 从业人员 (``worker``): the 安全生产法 第二十七条 duty of knowledge and 第五十八条
duty to learn are what the exam checks. Questions whose basis was not read in a source copy are ``verified: false``
[unverified], as the bank's note says. The draw uses :func:`draw.seeded_order` (SHA-256, rejection sampling,
Fisher-Yates) so a published seed reproduces the paper. The pass mark (80 of 100) is the project default; no
national rule fixes one [unverified].
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

from ._util import read_json
from .draw import seeded_order

KINDS = ("single", "multiple", "true_false")
AUDIENCES = ("principal", "safety_manager", "worker")
PASS_MARK = 80
MIN_BANK = 60
_ID = re.compile(r"^Q\d{3,}$")
_LETTERS = "ABCDEFGH"


class BankError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = tuple(problems)
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: str
    options: tuple[str, ...]
    answer: str | bool
    basis: str
    audiences: tuple[str, ...]
    verified: bool


@dataclass(frozen=True)
class ExamPaper:
    seed: str
    audience: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class ExamScore:
    total: int
    correct: int
    score: int
    passed: bool
    wrong: tuple[str, ...]
    unanswered: tuple[str, ...]


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_question(raw: Any, i: int, problems: list[str]) -> Question | None:
    keys = {"id", "kind", "text", "options", "answer", "basis", "audiences", "verified"}
    if not isinstance(raw, dict) or set(raw) != keys:
        problems.append(f"question {i}: has exactly {', '.join(sorted(keys))}")
        return None
    where = f"question {raw['id']}" if isinstance(raw["id"], str) else f"question {i}"
    if not isinstance(raw["id"], str) or not _ID.match(raw["id"]):
        problems.append(f"{where}: bad id")
    kind, options, answer = raw["kind"], raw["options"], raw["answer"]
    if kind not in KINDS:
        problems.append(f"{where}: unknown kind {kind!r}")
        return None
    if not _text(raw["text"]) or not _text(raw["basis"]):
        problems.append(f"{where}: text and basis are required")
    if not isinstance(options, list) or not all(_text(o) for o in options):
        problems.append(f"{where}: options must be a list of texts")
        return None
    if kind == "true_false":
        if options or not isinstance(answer, bool):
            problems.append(f"{where}: a true/false question has no options and a true/false answer")
    else:
        letters = _LETTERS[: len(options)]
        if not 2 <= len(options) <= len(_LETTERS) or len(set(options)) != len(options):
            problems.append(f"{where}: needs 2-{len(_LETTERS)} distinct options")
        elif not isinstance(answer, str) or not answer or any(a not in letters for a in answer) or (
                "".join(sorted(set(answer))) != answer):
            problems.append(f"{where}: answer must be option letters in order, e.g. 'A' or 'ACD'")
        elif kind == "single" and len(answer) != 1:
            problems.append(f"{where}: a single-choice answer is one letter")
        elif kind == "multiple" and len(answer) < 2:
            problems.append(f"{where}: a multiple-choice answer has at least two letters")
    audiences = raw["audiences"]
    if not isinstance(audiences, list) or not audiences or any(a not in AUDIENCES for a in audiences):
        problems.append(f"{where}: audiences must be a non-empty subset of {', '.join(AUDIENCES)}")
        audiences = []
    if not isinstance(raw["verified"], bool):
        problems.append(f"{where}: verified must be true or false")
    return Question(raw["id"], kind, raw["text"], tuple(options), answer, raw["basis"], tuple(audiences),
                    raw["verified"])


def parse_bank(data: Any) -> tuple[Question, ...]:
    """Validate a 逢查必考 question bank (≥ 60 questions on 《安全生产法》 (2021) and related rules, each with
    answer, basis and audiences); :class:`BankError` lists every problem."""
    if not isinstance(data, dict) or set(data) != {"title", "version", "source", "note", "questions"}:
        raise BankError(["the bank has exactly title, version, source, note, questions"])
    raw = data["questions"]
    if not isinstance(raw, list) or len(raw) < MIN_BANK:
        raise BankError([f"the bank needs at least {MIN_BANK} questions"])
    problems: list[str] = []
    questions = [q for q in (_check_question(r, i, problems) for i, r in enumerate(raw)) if q]
    ids = [q.id for q in questions]
    problems.extend(f"duplicate id {x}" for x in sorted({x for x in ids if ids.count(x) > 1}))
    texts = [q.text for q in questions]
    problems.extend(f"duplicate question {x}" for x in sorted({x for x in texts if texts.count(x) > 1}))
    if any(not q.verified for q in questions) and "[unverified]" not in str(data["note"]):
        problems.append("the note must say what is [unverified] when a question is not verified")
    if problems:
        raise BankError(problems)
    return tuple(questions)


@cache
def load_bank() -> tuple[Question, ...]:
    """The shipped 逢查必考 bank (``data/exam_questions.json``; 《安全生产法》 (2021) 第二十七、五十八条 knowledge
    duties), validated by :func:`parse_bank`."""
    return parse_bank(read_json("exam_questions.json"))


def draw_exam(bank: tuple[Question, ...], n: int, seed: str, audience: str) -> ExamPaper:
    """A reproducible 逢查必考 paper: the bank's questions for ``audience``, sorted by id, shuffled by
    :func:`draw.seeded_order` with label ``exam:<audience>`` (the 双随机 algorithm, 国办发〔2015〕58号 spirit of
    verifiable draws), first ``n`` kept. ValueError if ``n`` is not 1..(questions for that audience)."""
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}; known: {', '.join(AUDIENCES)}")
    eligible = sorted((q for q in bank if audience in q.audiences), key=lambda q: q.id)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(eligible):
        raise ValueError(f"n must be 1-{len(eligible)} for {audience}, not {n!r}")
    return ExamPaper(seed=seed, audience=audience,
                     questions=tuple(seeded_order(seed, f"exam:{audience}", eligible)[:n]))


def _normalise(question: Question, given: Any) -> str | bool | None:
    if question.kind == "true_false":
        if isinstance(given, bool):
            return given
        if isinstance(given, str) and given.strip().lower() in ("true", "t", "对", "√"):
            return True
        if isinstance(given, str) and given.strip().lower() in ("false", "f", "错", "×"):
            return False
        return None
    if isinstance(given, str):
        letters = [c for c in given.upper() if not c.isspace() and c not in ",，、"]
    elif isinstance(given, list | tuple | set | frozenset) and all(isinstance(c, str) for c in given):
        letters = [c.strip().upper() for c in given]
    else:
        return None
    return "".join(sorted(set(letters))) or None


def score_exam(paper: ExamPaper, answers: Mapping[str, Any], *, pass_mark: int = PASS_MARK) -> ExamScore:
    """Score a paper: one mark per question, all or nothing (a multiple-choice answer must name exactly the right
    letters, in any order); ``score`` is out of 100, rounded half up; ``passed`` at ``pass_mark`` (project default
    80 [unverified]). Answers to questions not on the paper are a ValueError."""
    if not isinstance(answers, Mapping):
        raise ValueError("answers must map question id → answer")
    on_paper = {q.id for q in paper.questions}
    stray = sorted(set(answers) - on_paper)
    if stray:
        raise ValueError(f"answers to questions not on the paper: {', '.join(map(str, stray))}")
    wrong, unanswered = [], []
    for q in paper.questions:
        if q.id not in answers or answers[q.id] is None:
            unanswered.append(q.id)
        elif _normalise(q, answers[q.id]) != q.answer:
            wrong.append(q.id)
    total = len(paper.questions)
    correct = total - len(wrong) - len(unanswered)
    score = int(Fraction(100 * correct, total) + Fraction(1, 2)) if total else 0
    return ExamScore(total=total, correct=correct, score=score, passed=score >= pass_mark, wrong=tuple(wrong),
                     unanswered=tuple(unanswered))
