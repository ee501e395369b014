"""Hunspell dictionaries: where they are found, which ones a language uses, and the speller.

The dictionaries are those of LibreOffice and Firefox, as Debian packages them
(hunspell-fr, hunspell-en-us, hunspell-en-gb...: `scripts/install-dictionaries.sh`),
read by Hunspell itself through the chunspell binding (docs/contributor/spelling-engines.md
says why). A word is looked up once per dictionary and process: thousands of posts
share a few thousand words. Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

# Where Debian, Fedora, Homebrew, macOS and LibreOffice put Hunspell dictionaries; the
# folders of RELAIS_DICTIONARIES (separated like PATH) come first.
SYSTEM_FOLDERS = (
    "/usr/share/hunspell",
    "/usr/share/myspell",
    "/usr/share/myspell/dicts",
    "/usr/local/share/hunspell",
    "/opt/homebrew/share/hunspell",
    "~/Library/Spelling",
    "/Library/Spelling",
)
# The Debian package that brings a language's dictionary, for the hint when it is missing.
PACKAGES = {
    "fr": "hunspell-fr",
    "en_US": "hunspell-en-us",
    "en_GB": "hunspell-en-gb",
    "de": "hunspell-de-de",
    "es": "hunspell-es",
    "it": "hunspell-it",
    "pt_PT": "hunspell-pt-pt",
    "pt_BR": "hunspell-pt-br",
    "nl": "hunspell-nl",
}
LANGUAGE_NAMES = {
    "fr": "French",
    "en": "English",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
}


def folders() -> list[Path]:
    """The folders searched for `<name>.aff` and `<name>.dic`, in order."""
    extra = [p for p in os.environ.get("RELAIS_DICTIONARIES", "").split(os.pathsep) if p]
    return [Path(p).expanduser() for p in (*extra, *SYSTEM_FOLDERS)]


def find(name: str, where: Sequence[Path] | None = None) -> Path | None:
    """The path (without extension) of dictionary `name` (fr, en_GB...), or None."""
    for folder in folders() if where is None else where:
        base = folder / name
        if base.with_suffix(".dic").is_file() and base.with_suffix(".aff").is_file():
            return base
    return None


def _regional(base: str, where: Sequence[Path]) -> list[str]:
    """Installed dictionaries of a language by region (de_DE, de_AT...), sorted."""
    names: set[str] = set()
    for folder in where:
        try:
            names.update(p.stem for p in folder.glob(f"{base}_*.dic"))
        except OSError:
            continue
    return sorted(names)


def names_for(lang: str, variants: Mapping[str, str]) -> tuple[tuple[str, ...], str]:
    """The dictionaries a language needs, and the one to install when none is found.

    `fr` uses fr (or fr_FR); `en` uses both en_US and en_GB, so that colour and color pass,
    unless the site or the post names one (`en-GB`).
    """
    base, _, region = lang.replace("_", "-").partition("-")
    base = base.lower()
    region = region or variants.get(base, "").replace("_", "-").partition("-")[2]
    if region:
        return (f"{base}_{region.upper()}",), f"{base}_{region.upper()}"
    if base == "en":
        return ("en_US", "en_GB"), "en_US"
    return (base, f"{base}_{base.upper()}"), base


@dataclass(frozen=True, slots=True)
class Found:
    """The dictionaries of one language: their paths, or what to install."""

    lang: str
    paths: tuple[Path, ...]
    missing: str = ""  # the dictionary name to install when paths is empty

    @property
    def key(self) -> tuple[tuple[str, int, int], ...]:
        """Identifies the dictionaries' contents (path, size, modification time)."""
        out = []
        for base in self.paths:
            st = base.with_suffix(".dic").stat()
            out.append((str(base), st.st_size, st.st_mtime_ns))
        return tuple(out)


def locate(lang: str, variants: Mapping[str, str]) -> Found:
    """The installed dictionaries for a language code (fr, en, en-GB, pt-BR...)."""
    wanted, install = names_for(lang, variants)
    where = folders()
    base = wanted[0].partition("_")[0]
    if len(wanted) > 1 and base != "en":
        # One dictionary is enough for languages without variants: the first found, then any region.
        for name in (*wanted, *_regional(base, where)):
            path = find(name, where)
            if path is not None:
                return Found(lang, (path,))
        return Found(lang, (), install)
    paths = tuple(p for p in (find(name, where) for name in wanted) if p is not None)
    if not paths and len(wanted) == 1:
        # A region without its own dictionary (fr-CA where only fr exists) uses the language's.
        paths = tuple(p for p in (find(base, where), find(f"{base}_{base.upper()}", where)) if p)
        paths = paths[:1]
    return Found(lang, paths, "" if paths else install)


def plain(word: str) -> str:
    """The word without accents and case, to compare a hashtag written without them."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def engine_missing() -> str:
    """Why Hunspell cannot be used here ('' when it can): an environment installed before
    Relais needed chunspell."""
    try:
        import hunspell  # type: ignore[import-untyped]  # noqa: F401
    except ImportError as exc:
        return str(exc)
    return ""


@dataclass(frozen=True, slots=True)
class Affixes:
    """What the suggestions need from a dictionary's .aff file: its letters by frequency
    (TRY), its common replacements (REP) and its groups of related letters (MAP)."""

    letters: str = ""
    replacements: tuple[tuple[str, str], ...] = ()
    related: tuple[str, ...] = ()

    @staticmethod
    def read(aff: Path) -> Affixes:
        letters, replacements, related = "", [], []
        try:
            text = aff.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return Affixes()
        for line in text.splitlines():
            parts = line.split()
            if len(parts) < 2:
                continue
            if parts[0] == "TRY":
                letters = parts[1]
            elif parts[0] == "REP" and len(parts) >= 3:
                replacements.append((parts[1], parts[2]))
            elif parts[0] == "MAP" and not parts[1].isdigit():
                related.append(parts[1])
        return Affixes(letters, tuple(replacements), tuple(related))


class Speller:
    """Looks words up in one or more dictionaries (a word is right if one of them has it)."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.paths = tuple(paths)
        self._engines: list[Any] | None = None
        self._known: dict[str, bool] = {}
        self._suggestions: dict[str, tuple[str, ...]] = {}
        self._affixes: list[Affixes] = []

    def _load(self) -> list[Any]:
        if self._engines is None:
            import hunspell  # chunspell: Hunspell 1.7 in the wheel

            self._engines = [
                hunspell.Hunspell(p.name, hunspell_data_dir=str(p.parent)) for p in self.paths
            ]
            self._affixes = [Affixes.read(p.with_suffix(".aff")) for p in self.paths]
        return self._engines

    def known(self, word: str) -> bool:
        """Whether a dictionary accepts the word (Hunspell's own rules: case, affixes, compounds)."""
        hit = self._known.get(word)
        if hit is None:
            hit = self._known[word] = any(_spell(e, word) for e in self._load())
        return hit

    def suggest(self, word: str, limit: int = 3, deep: bool = False) -> tuple[str, ...]:
        """Words of the dictionaries one change away (a common replacement, an accent, two
        letters swapped, one letter more, less or different), most likely first. `deep`
        also asks Hunspell's own search, which finds words further away but takes a
        few hundred milliseconds a word."""
        key = f"{word}\0{limit}\0{deep}"
        hit = self._suggestions.get(key)
        if hit is None:
            self._load()
            found: dict[str, None] = {}
            for candidate in self._candidates(word):
                if candidate != word and candidate not in found and self._all_known(candidate):
                    found[candidate] = None
                    if len(found) >= limit:
                        break
            if not found and deep:
                for engine in self._load():
                    try:
                        for s in engine.suggest(word)[:limit]:
                            found.setdefault(s, None)
                    except (UnicodeError, ValueError):
                        continue
            hit = self._suggestions[key] = tuple(found)[:limit]
        return hit

    def accented(self, word: str) -> str | None:
        """The dictionary's word that `word` is written without its accents (Buche: Bûche),
        or None: one or two letters changed within their group of the .aff's MAP."""
        key = f"{word}\0accents"
        if key in self._suggestions:
            found = self._suggestions[key]
            return found[0] if found else None
        self._load()
        groups = [g for a in self._affixes for g in a.related] or list(_ACCENTS)
        options = []
        for i, c in enumerate(word):
            group = next((g for g in groups if c in g), "")
            alternatives = [o for o in group if o != c and (o.isupper() == c.isupper())]
            if alternatives:
                options.append((i, alternatives))
        result: str | None = None
        for i, alternatives in options:
            for o in alternatives:
                if self.known(candidate := word[:i] + o + word[i + 1 :]):
                    result = candidate
                    break
            if result:
                break
        if result is None and len(options) <= 6:
            for a, (i, first) in enumerate(options):
                for j, second in options[a + 1 :]:
                    for x in first:
                        for y in second:
                            candidate = word[:i] + x + word[i + 1 : j] + y + word[j + 1 :]
                            if self.known(candidate):
                                result = candidate
                                break
                        if result:
                            break
                    if result:
                        break
                if result:
                    break
        self._suggestions[key] = (result,) if result else ()
        return result

    def _all_known(self, candidate: str) -> bool:
        return all(self.known(part) for part in candidate.split(" ")) if candidate else False

    def _candidates(self, word: str) -> Iterator[str]:
        """Hunspell's first kind of suggestions, in its order: REP, MAP, swaps, then edits."""
        letters = ""
        for affixes in self._affixes:
            for old, new in affixes.replacements:
                start = old.startswith("^")
                end = old.endswith("$")
                core = old.strip("^$")
                if not core:
                    continue
                new = new.replace("_", " ")
                if start and end:
                    if word == core:
                        yield new
                elif start:
                    if word.startswith(core):
                        yield new + word[len(core) :]
                elif end:
                    if word.endswith(core):
                        yield word[: -len(core)] + new
                else:
                    i = word.find(core)
                    while i >= 0:
                        yield word[:i] + new + word[i + len(core) :]
                        i = word.find(core, i + 1)
            for group in affixes.related:
                for i, c in enumerate(word):
                    if c in group:
                        for other in group:
                            if other != c:
                                yield word[:i] + other + word[i + 1 :]
            letters += "".join(c for c in affixes.letters if c.islower() and c not in letters)
        for i in range(len(word) - 1):
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        for i in range(len(word)):
            yield word[:i] + word[i + 1 :]
        for i in range(len(word)):
            for c in letters:
                yield word[:i] + c + word[i + 1 :]
        for i in range(len(word) + 1):
            for c in letters:
                yield word[:i] + c + word[i:]


# Letters and their accented forms, for dictionaries without a MAP table.
_ACCENTS = ("aàâäAÀÂÄ", "eéèêëEÉÈÊË", "iîïIÎÏ", "oôöOÔÖ", "uùûüUÙÛÜ", "cçCÇ")


def _spell(engine: Any, word: str) -> bool:
    try:
        return bool(engine.spell(word))
    except (UnicodeError, ValueError):  # a character the dictionary's encoding lacks
        return False


@lru_cache(maxsize=16)
def contents_digest(key: tuple[tuple[str, int, int], ...]) -> str:
    """A SHA-256 of the dictionaries' bytes (.dic and .aff): what a speller's answers depend
    on, for answers kept between runs (memo.py), where a size and a time are not proof enough."""
    digest = hashlib.sha256()
    for path, _, _ in key:
        for suffix in (".dic", ".aff"):
            try:
                data = Path(path).with_suffix(suffix).read_bytes()
            except OSError:
                data = b"\0missing"
            digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@lru_cache(maxsize=16)
def speller(key: tuple[tuple[str, int, int], ...]) -> Speller:
    """One speller per set of dictionaries and their versions, kept for the process
    (`relais serve` checks again at every change: words are looked up once)."""
    return Speller(Path(path) for path, _, _ in key)
