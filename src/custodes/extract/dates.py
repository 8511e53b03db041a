"""The year a deployment was contracted, launched or completed.

A year is taken only when it is anchored to an event of the deployment itself ("launched in
April 2019", "operational since 2019"), never from a forecast horizon ("by 2025"), a deadline
("before 2020") or an unrelated event ("the 2020 riots").
"""

from __future__ import annotations

import re
from functools import lru_cache

from custodes.extract.vocab import vocabulary

_VOCAB = vocabulary("dates")
_ANCHORED = _VOCAB.pattern("anchored")
_EVENT = _VOCAB.pattern("event")
# A year that dates an audit, a report, a removal or the company itself is no deployment year,
# whatever event verb the sentence also has; matched on lowered text.
_NOT_DEPLOYMENT = _VOCAB.pattern("not_deployment")
# A year next to a reporting verb dates the report, not the deployment ...
_REPORTING = _VOCAB.pattern("reporting")
# ... unless the deployment is told as just done: "has begun using ..., Reuters reported in March".
_JUST_DONE = _VOCAB.pattern("just_done")
_FUTURE = _VOCAB.pattern("future")
# "in 2008, the company confirmed": a short reporting clause closing the sentence after the year.
_TRAILING_REPORT = re.compile(r"[^,]{0,25},\s+(?:[\w\-’']+\s+){0,4}$")
_ANY_YEAR = re.compile(r"(?<!\d)(?:19[89]|20[0-4])\d(?!\d)")


def anchored_years(sentence: str) -> list[tuple[int, int]]:
    """(offset, year) of each year phrased as a point in time inside the sentence."""
    out: list[tuple[int, int]] = []
    for m in _ANCHORED.finditer(sentence):
        year = m.group(1) or m.group(2)
        out.append((m.start(), int(year)))
    return out


@lru_cache(maxsize=4096)
def deployment_year(sentence: str) -> int | None:
    """The year of the deployment event stated in this sentence, if any.

    The sentence must carry a past event verb and no future marker, otherwise a year is more
    likely the date of a statement or a plan than of the deployment.
    """
    if not _ANY_YEAR.search(sentence):
        return None
    events = [m.start() for m in _EVENT.finditer(sentence)]
    if not events or _FUTURE.search(sentence):
        return None
    years = anchored_years(sentence)
    if not years:
        return None
    reports = [m.start() for m in _REPORTING.finditer(sentence)]
    lowered = sentence.lower()
    reports += [m.start() for m in _NOT_DEPLOYMENT.finditer(lowered)]
    just_done = bool(_JUST_DONE.search(sentence))

    def event_distance(y: tuple[int, int]) -> int:
        return min(abs(y[0] - e) for e in events)

    def dates_report(y: tuple[int, int]) -> bool:
        # a report told after the year's own clause ("supplied it in 2008, the firm said")
        # dates nothing of it
        near = [r for r in reports if r < y[0] or not _TRAILING_REPORT.match(sentence, y[0], r)]
        return bool(near) and min(abs(y[0] - r) for r in near) < event_distance(y)

    def claimed(y: tuple[int, int]) -> bool:
        # "Founded in Beijing in 2014, ...", "According to information gathered in 2019, ...":
        # a year in the clause of a non-deployment word, with no event verb in between
        for m in _NOT_DEPLOYMENT.finditer(lowered, 0, y[0]):
            between = sentence[m.end() : y[0]]
            if "," not in between and ";" not in between and not any(m.end() <= e < y[0] for e in events):
                return True
        return False

    usable = [y for y in years if just_done or not (dates_report(y) or claimed(y))]
    if not usable:
        return None
    return min(usable, key=event_distance)[1]


def document_year(sentences: list[str]) -> int | None:
    """The deployment year of the document when exactly one anchored event year is stated."""
    years = {y for s in sentences if (y := deployment_year(s)) is not None}
    return years.pop() if len(years) == 1 else None


def first_deployment_year(sentences: list[str]) -> int | None:
    """The first anchored deployment year found in the given sentences, in order."""
    for s in sentences:
        y = deployment_year(s)
        if y is not None:
            return y
    return None
