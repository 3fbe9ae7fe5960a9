"""split_words splits as shlex.split (a POSIX shell) does, in linear time."""

import shlex
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.firewall.words import quote_word, split_words

# the characters that matter to a shell, and some that do not
TEXT = st.text(alphabet=" \t\r\nab-'\"\\", max_size=16)


def outcome(split, text):
    try:
        return "ok", split(text)
    except ValueError as exc:
        return "error", str(exc)


@settings(max_examples=1500, deadline=None)
@given(TEXT)
def test_words_are_what_shlex_makes_of_them(text):
    assert outcome(split_words, text) == outcome(shlex.split, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab \"'\\-", max_size=6), max_size=5))
def test_quoted_words_split_back_into_themselves(words):
    assert split_words(" ".join(quote_word(word) for word in words)) == words


def test_a_megabyte_comment_splits_in_milliseconds():
    line = '-A INPUT -m comment --comment "' + "x y " * 250_000 + '" -j ACCEPT'
    start = time.perf_counter()
    words = split_words(line)
    assert time.perf_counter() - start < 1.0  # shlex.split needs about 25 s for this line
    assert len(words) == 8 and len(words[5]) == 1_000_000
