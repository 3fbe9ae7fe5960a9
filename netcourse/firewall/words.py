"""Words of a rule line: split as a POSIX shell splits what it is typed into, and quoted back.

Splitting is linear in the line's length, so a megabyte-long ``--comment`` costs milliseconds.
Used by the rule parser of notebooks/04-firewalls.ipynb.

>>> split_words("-A INPUT -m comment --comment 'two words' -j ACCEPT")
['-A', 'INPUT', '-m', 'comment', '--comment', 'two words', '-j', 'ACCEPT']
"""

from __future__ import annotations

import re

__all__ = ["split_words", "quote_word"]

_SPACE = re.compile(r"[ \t\r\n]*")
_PLAIN = re.compile(r"[^ \t\r\n'\"\\]+")
_IN_DOUBLE = re.compile(r'[^"\\]*')
_QUOTING = re.compile(r"['\"\\]")
_BLANKS = re.compile(r"[ \t\r\n]+")
_NEEDS_QUOTES = re.compile(r"[ \t\"'\\]")
#: A word of plain runs and quoted strings (a backslash anywhere sends it the long way).
_WORD = re.compile(r"""(?:[^ \t\r\n'"\\]+|'[^']*'|"[^"\\]*")+""")
_QUOTES = re.compile(r"'([^']*)'" r'|"([^"\\]*)"')


def _unquoted(found: re.Match) -> str:
    return found.group(1) if found.group(1) is not None else found.group(2)


def split_words(text: str) -> list[str]:
    """The words of a line as a POSIX shell splits them (``shlex.split``), in linear time.

    Single quotes keep everything; inside double quotes a backslash escapes only ``"`` and
    ``\\``; outside quotes it escapes any character. ValueError says what is unclosed.

    >>> split_words('-A INPUT -m comment --comment "office only" -j ACCEPT')[5]
    'office only'
    >>> split_words('--comment "open')
    Traceback (most recent call last):
    ...
    ValueError: No closing quotation
    """
    if _QUOTING.search(text) is None:  # no quotes or escapes: split at the blanks alone
        return [word for word in _BLANKS.split(text) if word]
    words: list[str] = []
    size = len(text)
    i = _SPACE.match(text, 0).end()
    while i < size:
        whole = _WORD.match(text, i)  # a word with no escapes: its quotes only go
        if whole is not None and "\\" not in whole.group():
            end = whole.end()
            if end == size or text[end] in " \t\r\n":
                words.append(_QUOTES.sub(_unquoted, whole.group()))
                i = _SPACE.match(text, end).end()
                continue
        parts: list[str] = []
        while i < size and text[i] not in " \t\r\n":
            char = text[i]
            if char == "'":
                end = text.find("'", i + 1)
                if end < 0:
                    raise ValueError("No closing quotation")
                parts.append(text[i + 1 : end])
                i = end + 1
            elif char == '"':
                i += 1
                while True:
                    run = _IN_DOUBLE.match(text, i)
                    parts.append(run.group())
                    i = run.end()
                    if i >= size:
                        raise ValueError("No closing quotation")
                    if text[i] == '"':
                        i += 1
                        break
                    if i + 1 >= size:  # a backslash at the very end
                        raise ValueError("No escaped character")
                    following = text[i + 1]
                    parts.append(following if following in '"\\' else "\\" + following)
                    i += 2
            elif char == "\\":
                if i + 1 >= size:
                    raise ValueError("No escaped character")
                parts.append(text[i + 1])
                i += 2
            else:
                run = _PLAIN.match(text, i)
                parts.append(run.group())
                i = run.end()
        words.append("".join(parts))
        i = _SPACE.match(text, i).end()
    return words


def quote_word(token: str) -> str:
    """A word as iptables-save writes it: in double quotes when it holds spaces or quotes.

    >>> quote_word("ACCEPT"), quote_word("office only")
    ('ACCEPT', '"office only"')
    """
    if token and _NEEDS_QUOTES.search(token) is None:
        return token
    return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'
