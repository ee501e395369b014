"""Spelling and typography checks of everything the portal publishes.

Like every check (generator/check.py), each is a function of the project and `now`
that yields diagnostics; they are warnings (rules.severity can make them errors) at the
line and column of the word. A word is right when a Hunspell dictionary of the text's
language has it, when the project declares it (dictionary.txt, spelling.words, the
site's name, campaign and key date titles, ambassadors' names, watch keywords, network
names, Relais's own words such as brief and story), or when the post's `spelling.ignore`
lists it. The dictionaries are read once
per process; a word is looked up once per dictionary.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, get_args

from .. import cache, memo
from .. import networks as net
from ..diagnostics import Diagnostic, warning
from ..memo import config_key, per_post
from ..model import Format, Post, Project
from . import dictionaries as dicts
from .dictionaries import Found, Speller
from .texts import Text, other_texts, post_texts, published_posts
from .typography import findings
from .words import Word, plain_words, words, words_among

Check = Callable[[Project, datetime], Iterable[Diagnostic]]

# The codes of this package (`relais check --changed` keeps those of changed files only).
CODES = frozenset(
    {
        "spelling",
        "spelling-dictionary",
        "french-spacing",
        "space-before-punctuation",
        "doubled-word",
        "mixed-apostrophes",
    }
)
SUGGESTIONS = 3
# Suggestions cost about 10 ms of CPU per letter of the unknown word (every one-change edit is
# looked up), so they are bounded: none for a run of letters longer than any dictionary word
# (French's longest usual words have 25 letters), and none past the first distinct unknown
# words of a check (thousands of unknown words mean a wrong language or a pasted blob, not
# typos: a French repository read as English has 6,000 and took minutes).
LONGEST_SUGGESTED = 30
SUGGESTED_WORDS = 300
# French elided words: l'Exemple, jusqu'à Vaise (the dictionary knows l'équipe itself).
ELISIONS = frozenset(
    {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"}
)
# English endings after an apostrophe: Claire's, Exemple'll.
ENGLISH_ENDINGS = frozenset({"s", "ll", "re", "ve", "d", "t"})
_ROMAN = re.compile(r"[IVXLCDM]+(?:e|er|re|es|ème|èmes|nd|nde|th|st|rd)?")
_INNER_CAPITAL = re.compile(r"[a-zß-öø-ÿ][A-ZÀ-ÖØ-Þ]")


def normal(word: str) -> str:
    """The form looked up: composed accents, one kind of apostrophe."""
    if not unicodedata.is_normalized("NFC", word):
        word = unicodedata.normalize("NFC", word)
    return word.replace("\u2019", "'")


@dataclass(frozen=True, slots=True)
class Declared:
    """Words the project declares: as written, in capitals, and in any case when written lowercase."""

    exact: frozenset[str]
    any_case: frozenset[str]

    @staticmethod
    def of(entries: Iterable[str]) -> Declared:
        exact: set[str] = set()
        any_case: set[str] = set()
        for entry in entries:
            for found in words(entry):
                w = normal(found.text)
                for form in {w, *w.split("-")}:
                    if not form:
                        continue
                    exact.update((form, form.upper()))
                    if form == form.lower():
                        any_case.add(form)
        return Declared(frozenset(exact), frozenset(any_case))

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and (word in self.exact or word.lower() in self.any_case)


# Relais's own words for what teams write about, used in French texts too (un brief, une story).
# And "cc" before a mention, as every network writes it.
RELAIS_WORDS = ("brief", "briefs", "stories", "reels", "cc", *get_args(Format))


def declared_entries(project: Project) -> list[str]:
    """Names and words the project declares, which every text may use."""
    config = project.config
    entries = [config.site.name, *config.spelling.words, *project.dictionary, *RELAIS_WORDS]
    entries += [c.title for c in project.campaigns]
    entries += [k.title for k in project.key_dates]
    entries += [a.name for a in project.ambassadors]
    entries += list(config.watch.keywords)
    entries += [n.label for n in net.NETWORKS.values()]
    return entries


@dataclass
class Speller_:
    """The words of one language: a cache of verdicts over the dictionaries and the declared words."""

    speller: Speller
    declared: Declared
    lang: str
    verdicts: dict[tuple[str, bool], bool] = field(default_factory=dict)
    deep_left: int = 10
    suggested: set[str] = field(default_factory=set)
    contents: str = ""  # dictionaries.contents_digest() of its dictionaries
    _digest: str = ""

    @property
    def digest(self) -> str:
        """Everything its verdicts depend on: the dictionaries' bytes, the declared words and
        the language (the rules are Relais' code, in memo's context)."""
        if not self._digest:
            declared = (
                "\n".join(sorted(self.declared.exact))
                + "\0"
                + "\n".join(sorted(self.declared.any_case))
            )
            self._digest = cache.key(self.contents, self.lang, declared)
        return self._digest

    def accepts(self, word: str, hashtag: bool = False) -> bool:
        """Whether a word as written passes (cached: a repository repeats its words)."""
        key = (word, hashtag)
        hit = self.verdicts.get(key)
        if hit is None:
            w = normal(word)
            hit = self.verdicts[key] = len(w) < 2 or self._accepts(w, hashtag)
        return hit

    def _part(self, word: str) -> bool:
        return len(word) < 2 or word in self.declared or self.speller.known(word)

    def _accepts(self, word: str, hashtag: bool) -> bool:
        if self._part(word):
            return True
        if "-" in word and all(self._part(p) or self._accepts(p, hashtag) for p in word.split("-")):
            return True
        if "'" in word:
            head, _, tail = word.partition("'")
            if self.lang == "fr" and head.lower() in ELISIONS and self.accepts(tail, hashtag):
                return True
            stem, _, ending = word.rpartition("'")
            if self.lang == "en" and ending.lower() in ENGLISH_ENDINGS and self.accepts(stem):
                return True
        if word.isupper() and len(word) <= 4:
            return True  # an acronym (RSE, CAP, UNESCO's kin): dictionaries know few
        if _ROMAN.fullmatch(word):
            return True  # XXIe siècle
        if not hashtag and _INNER_CAPITAL.search(word):
            return True  # a brand written in camel case (iPhone, YouTube)
        # Hashtags and capitals are often written without accents (#BucheDeNoel, ECOLE).
        if (hashtag or word.isupper()) and word.isascii() and self.speller.accented(word):
            return True
        if hashtag and word.islower() and len(word) >= 6:
            return self._compound(word)
        return False

    def _compound(self, word: str) -> bool:
        """A hashtag of two or three words run together (#painhiver)."""
        n = len(word)
        for i in range(3, n - 2):
            head = word[:i]
            if not self._part(head):
                continue
            tail = word[i:]
            if self._part(tail):
                return True
            for j in range(3, len(tail) - 2):
                if self._part(tail[:j]) and self._part(tail[j:]):
                    return True
        return False

    def suggestions(self, word: str) -> list[str]:
        """Up to three corrections; Hunspell's slow search only for the first few words
        that nothing one change away fixes (a repository full of names stays fast); none for
        a word too long to be one, nor past the first SUGGESTED_WORDS distinct words."""
        if len(word) > LONGEST_SUGGESTED:
            return []
        if word not in self.suggested:
            if len(self.suggested) >= SUGGESTED_WORDS:
                return []
            self.suggested.add(word)
        found = self.speller.suggest(word, SUGGESTIONS)
        if not found and self.deep_left > 0:
            self.deep_left -= 1
            found = self.speller.suggest(word, SUGGESTIONS, deep=True)
        return list(found)


@dataclass
class Languages:
    """The speller of each language the project writes in, found once per check."""

    project: Project
    declared: Declared
    found: dict[str, Found] = field(default_factory=dict)
    spellers: dict[str, Speller_ | None] = field(default_factory=dict)

    def of(self, lang: str) -> Speller_ | None:
        if lang not in self.spellers:
            found = self.found[lang] = dicts.locate(lang, self.project.config.spelling.variants)
            base = lang.partition("-")[0].lower()
            self.spellers[lang] = (
                Speller_(
                    dicts.speller(found.key),
                    self.declared,
                    base,
                    contents=dicts.contents_digest(found.key),
                )
                if found.paths
                else None
            )
        return self.spellers[lang]


def _language_name(lang: str) -> str:
    base, _, region = lang.partition("-")
    name = dicts.LANGUAGE_NAMES.get(base.lower(), lang)
    return f"{name} ({region})" if region else name


def _hint(suggestions: list[str], file: str) -> str:
    if suggestions:
        quoted = [f"'{s}'" for s in suggestions]
        text = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
        first = f"did you mean {text}? "
    else:
        first = ""
    if file.startswith("content/posts/"):
        own = "spelling: {ignore: [...]} in this post"
    elif file == "moderation/replies.yml":
        own = "spelling: {ignore: [...]} in this reply or at the top of the file"
    else:
        own = ""
    return (
        first + "if the word is right, add it to dictionary.txt" + (f" (or {own})" if own else "")
    )


def text_words(text: Text) -> list[Word]:
    """The words of a text to look up."""
    if text.hashtag:
        value = text.value.strip()
        shift = 0 if value.startswith("#") else 1
        lead = len(text.value) - len(text.value.lstrip())
        tagged = words(("" if shift == 0 else "#") + value)
        return [
            Word(w.text, w.start - shift + lead, w.end - shift + lead, True)
            for w in tagged
            if w.hashtag
        ]
    return words(text.value, text.markdown)


TYPOGRAPHY = CODES - {"spelling", "spelling-dictionary"}


def _ignored(project: Project, codes: Iterable[str]) -> bool:
    """Whether rules.severity ignores all these codes: then the work is not done at all."""
    severity = project.config.rules.severity
    return all(severity.get(code) == "ignore" for code in codes)


def _unknown(text: Text, speller: Speller_, site: Speller_ | None) -> list[Word]:
    """The words of a text that no dictionary and no declaration accepts, in order (kept
    between runs: memo.py)."""
    return memo.recall(
        "spelling",
        (
            speller.digest,
            site.digest if site is not None else "",
            text.value,
            json.dumps([text.markdown, text.hashtag, sorted(text.ignore)], ensure_ascii=False),
        ),
        lambda: _unknown_now(text, speller, site),
        lambda found: [[w.text, w.start, w.end, w.hashtag] for w in found],
        _words_from,
    )


def _words_from(value: Any) -> list[Word]:
    out = []
    for item in value:
        word, start, end, hashtag = item
        if not (
            isinstance(word, str)
            and type(start) is int
            and type(end) is int
            and isinstance(hashtag, bool)
        ):
            raise ValueError("not a word")
        out.append(Word(word, start, end, hashtag))
    return out


def _unknown_now(text: Text, speller: Speller_, site: Speller_ | None) -> list[Word]:
    ignore = Declared.of(text.ignore) if text.ignore else None

    def passes(word: str, hashtag: bool) -> bool:
        if speller.accepts(word, hashtag):
            return True
        w = normal(word)
        if ignore is not None and (
            w in ignore or all(p in ignore or speller.accepts(p) for p in w.split("-"))
        ):
            return True
        # A brand's hashtags are often in the site's language (#Boulangerie in English).
        return hashtag and site is not None and site.accepts(word, True)

    found = None if text.hashtag else plain_words(text.value, text.markdown)
    if found is None:  # hashtags: split, with their places
        return [w for w in text_words(text) if not passes(w.text, w.hashtag)]
    # Most texts: each distinct word looked up once, places only for the unknown ones.
    known = speller.verdicts.get
    unknown = {w for w in set(found) if not known((w, False)) and not passes(w, False)}
    return words_among(text.value, unknown, text.markdown) if unknown else []


def _spelling(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """Unknown words, at their line and column, with up to three suggestions."""
    if _ignored(project, ("spelling",)):
        return
    missing = dicts.engine_missing()
    if missing:
        yield warning(
            "site_config.yml",
            1,
            "spelling-dictionary",
            f"the spelling was not checked: its engine, chunspell, is not installed ({missing})",
            "install Relais again in this environment (pip install -e . or pip install relais), "
            "or pip install chunspell",
        )
        return
    languages = Languages(project, Declared.of(declared_entries(project)))
    site_language = project.config.site.language
    settings = config_key(project.config)
    unchecked: Counter[str] = Counter()
    first_unchecked: dict[str, Text] = {}
    # Each post's unknown words are kept per post (its texts all have the post's language);
    # suggestions are made here, in the same order as without the memo (they are bounded
    # per run: Speller_.suggestions).
    for post in published_posts(project):
        lang = post.lang or site_language
        speller = languages.of(lang)
        if speller is None:
            for text in post_texts(post, site_language):
                unchecked[lang] += 1
                first_unchecked.setdefault(lang, text)
            continue
        site = languages.of(site_language) if lang != site_language else None
        compute = partial(_post_unknown, post, site_language, speller, site)
        found = (
            memo.recall(
                "check-spelling",
                # The dictionaries and declared words (digests), and the settings.
                (post.source, settings, speller.digest, site.digest if site is not None else ""),
                compute,
                lambda found: [list(item) for item in found],
                _unknown_from,
            )
            if post.source
            else compute()
        )
        for line, column, spelt, what in found:
            yield warning(
                post.file,
                line,
                "spelling",
                f"'{spelt}' is not in the {_language_name(lang)} dictionary ({what})",
                _hint(speller.suggestions(normal(spelt)), post.file),
                column,
            )
    for text in other_texts(project):
        speller = languages.of(text.lang)
        if speller is None:
            unchecked[text.lang] += 1
            first_unchecked.setdefault(text.lang, text)
            continue
        site = languages.of(site_language) if text.lang != site_language else None
        for word in _unknown(text, speller, site):
            line, column = text.position(word.start)
            yield warning(
                text.file,
                line,
                "spelling",
                f"'{word.text}' is not in the {_language_name(text.lang)} dictionary ({text.what})",
                _hint(speller.suggestions(normal(word.text)), text.file),
                column,
            )
    for lang, count in unchecked.items():
        text = first_unchecked[lang]
        missing = languages.found[lang].missing
        package = dicts.PACKAGES.get(missing) or dicts.PACKAGES.get(missing.partition("_")[0])
        install = (
            f"sudo apt-get install {package}" if package else f"a Hunspell dictionary '{missing}'"
        )
        line, column = text.position(0)
        yield warning(
            text.file,
            line,
            "spelling-dictionary",
            f"no {_language_name(lang)} dictionary ({missing}.dic): the spelling of {count} "
            f"text{'s' if count != 1 else ''} in '{lang}' is not checked",
            f"install it ({install}, or run scripts/install-dictionaries.sh), or put {missing}.aff "
            "and .dic in a folder named by RELAIS_DICTIONARIES",
        )


Unknown = tuple[int, int, str, str]  # line, column, the word, where (title, messages.x...)


def _post_unknown(
    post: Post, site_language: str, speller: Speller_, site: Speller_ | None
) -> list[Unknown]:
    """The unknown words of a post's texts, in order, at their lines and columns."""
    out = []
    for text in post_texts(post, site_language):
        for word in _unknown(text, speller, site):
            line, column = text.position(word.start)
            out.append((line, column, word.text, text.what))
    return out


def _unknown_from(value: Any) -> list[Unknown]:
    out = []
    for item in value:
        line, column, word, what = item
        if not (type(line) is int and type(column) is int and type(word) is str):
            raise ValueError("not an unknown word")
        if type(what) is not str:
            raise ValueError("not an unknown word")
        out.append((line, column, word, what))
    return out


def _typography(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """French spacing, doubled words, mixed apostrophes, spaces before punctuation."""
    if _ignored(project, TYPOGRAPHY):
        return
    site_language = project.config.site.language
    context = (config_key(project.config),)  # the site's language
    for post in published_posts(project):
        texts = partial(post_texts, post, site_language)
        yield from per_post("check-typography", post, context, partial(_typography_of, texts))
    yield from _typography_of(partial(other_texts, project))


def _typography_of(texts: Callable[[], Iterable[Text]]) -> list[Diagnostic]:
    found = []
    for text in texts():
        if text.hashtag:
            continue
        for f in findings(text.value, text.lang, text.markdown):
            line, column = text.position(f.start)
            found.append(
                warning(text.file, line, f.code, f"{f.message} ({text.what})", f.hint, column)
            )
    return found


CHECKS: list[Check] = [_spelling, _typography]
