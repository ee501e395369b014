"""The portal's interface in French and English: labels and date formats."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date, format_datetime, format_time

LANGUAGES = ("fr", "en")

# One entry per label; both languages are required (a test checks it).
LABELS: Mapping[str, Mapping[str, str]] = {
    "home": {"fr": "Accueil", "en": "Home"},
    "upcoming": {"fr": "À venir (30 prochains jours)", "en": "Coming up (next 30 days)"},
    "no_upcoming": {"fr": "Aucune publication prévue dans les 30 prochains jours.", "en": "No post planned in the next 30 days."},
    "key_dates": {"fr": "Temps forts", "en": "Key dates"},
    "coming_key_dates": {"fr": "Prochains temps forts", "en": "Coming key dates"},
    "no_key_dates": {"fr": "Aucun temps fort dans les 60 prochains jours.", "en": "No key date in the next 60 days."},
    "running_campaigns": {"fr": "Campagnes en cours", "en": "Running campaigns"},
    "no_campaigns": {"fr": "Aucune campagne en cours.", "en": "No campaign running."},
    "campaign": {"fr": "Campagne", "en": "Campaign"},
    "campaigns": {"fr": "Campagnes", "en": "Campaigns"},
    "key_date": {"fr": "Temps fort", "en": "Key date"},
    "posts": {"fr": "Publications", "en": "Posts"},
    "post": {"fr": "Publication", "en": "Post"},
    "archive": {"fr": "Archives", "en": "Archive"},
    "archive_intro": {"fr": "Toutes les publications, mois par mois.", "en": "Every post, month by month."},
    "guides": {"fr": "Guides", "en": "Guides"},
    "date": {"fr": "Date", "en": "Date"},
    "time": {"fr": "Heure", "en": "Time"},
    "title": {"fr": "Titre", "en": "Title"},
    "networks": {"fr": "Réseaux", "en": "Networks"},
    "status": {"fr": "Statut", "en": "Status"},
    "owner": {"fr": "Responsable", "en": "Owner"},
    "format": {"fr": "Format", "en": "Format"},
    "due": {"fr": "À rendre le", "en": "Due"},
    "topics": {"fr": "Sujets", "en": "Topics"},
    "link": {"fr": "Lien", "en": "Link"},
    "language": {"fr": "Langue", "en": "Language"},
    "messages": {"fr": "Messages par réseau", "en": "Messages per network"},
    "no_messages": {"fr": "Pas encore de message rédigé.", "en": "No message written yet."},
    "brief": {"fr": "Brief", "en": "Brief"},
    "visual": {"fr": "Visuel", "en": "Visual"},
    "edit_post": {"fr": "Modifier cette publication", "en": "Edit this post"},
    "propose_post": {"fr": "Proposer une publication", "en": "Propose a post"},
    "unscheduled": {"fr": "Non daté", "en": "Undated"},
    "embargoed": {"fr": "Publication sous embargo", "en": "Embargoed post"},
    "embargo_note": {
        "fr": "Le contenu de cette publication sera visible à partir du {date}.",
        "en": "This post's content will be visible from {date}.",
    },
    "from_to": {"fr": "du {start} au {end}", "en": "from {start} to {end}"},
    "posts_count": {"fr": "{n} publication(s)", "en": "{n} post(s)"},
    "characters": {"fr": "caractères", "en": "characters"},
    "month_posts": {"fr": "Publications de {month}", "en": "Posts of {month}"},
    "generated": {"fr": "Portail généré le {date}", "en": "Portal generated on {date}"},
    "status_idea": {"fr": "Idée", "en": "Idea"},
    "status_draft": {"fr": "Brouillon", "en": "Draft"},
    "status_review": {"fr": "En relecture", "en": "In review"},
    "status_approved": {"fr": "Validé", "en": "Approved"},
    "status_scheduled": {"fr": "Programmé", "en": "Scheduled"},
    "status_published": {"fr": "Publié", "en": "Published"},
    "status_cancelled": {"fr": "Annulé", "en": "Cancelled"},
    "format_text": {"fr": "Texte", "en": "Text"},
    "format_image": {"fr": "Image", "en": "Image"},
    "format_video": {"fr": "Vidéo", "en": "Video"},
    "format_carousel": {"fr": "Carrousel", "en": "Carousel"},
    "format_story": {"fr": "Story", "en": "Story"},
    "format_reel": {"fr": "Reel", "en": "Reel"},
    "format_article": {"fr": "Article", "en": "Article"},
    "format_live": {"fr": "Live", "en": "Live"},
    "format_event": {"fr": "Événement", "en": "Event"},
}


class Translator:
    """Labels and date formats for one language."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}")
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        text = LABELS[key][self.lang]
        return text.format(**values) if values else text

    def status(self, status: str) -> str:
        return self(f"status_{status}")

    def format(self, fmt: str) -> str:
        return self(f"format_{fmt}")

    def day(self, value: date | datetime) -> str:
        """'mercredi 3 décembre 2026' / 'Wednesday, December 3, 2026'."""
        return _fmt_date(value if not isinstance(value, datetime) else value.date(), "full", self.lang)

    def short_day(self, value: date | datetime) -> str:
        """'mer. 3 déc.' / 'Wed, Dec 3'."""
        d = value.date() if isinstance(value, datetime) else value
        return _fmt_date(d, "EEE d MMM" if self.lang == "fr" else "EEE, MMM d", self.lang)

    def medium_day(self, value: date | datetime) -> str:
        d = value.date() if isinstance(value, datetime) else value
        return _fmt_date(d, "d MMM y" if self.lang == "fr" else "MMM d, y", self.lang)

    def clock(self, value: datetime) -> str:
        return format_time(value, "HH:mm" if self.lang == "fr" else "h:mm a", locale=self.lang)

    def moment(self, value: datetime) -> str:
        return f"{self.day(value)}, {self.clock(value)}"

    def month(self, value: date) -> str:
        """'décembre 2026' / 'December 2026'."""
        return _fmt_date(value, "LLLL y", self.lang)

    def stamp(self, value: datetime) -> str:
        return format_datetime(value, "medium", locale=self.lang)


@lru_cache(maxsize=8192)
def _fmt_date(value: date, pattern: str, lang: str) -> str:
    return format_date(value, pattern, locale=lang)
