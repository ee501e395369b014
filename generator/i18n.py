"""The portal's interface in French and English: labels and date formats."""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from functools import lru_cache

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from babel.lists import format_list
from babel.numbers import format_decimal

LANGUAGES = ("fr", "en")

# One entry per label; both languages are required (a test checks it).
LABELS: Mapping[str, Mapping[str, str]] = {
    "home": {"fr": "Accueil", "en": "Home"},
    "upcoming": {"fr": "À venir (30 prochains jours)", "en": "Coming up (next 30 days)"},
    "no_upcoming": {
        "fr": "Aucune publication prévue dans les 30 prochains jours.",
        "en": "No post planned in the next 30 days.",
    },
    "key_dates": {"fr": "Temps forts", "en": "Key dates"},
    "coming_key_dates": {"fr": "Prochains temps forts", "en": "Coming key dates"},
    "no_key_dates": {
        "fr": "Aucun temps fort dans les 60 prochains jours.",
        "en": "No key date in the next 60 days.",
    },
    "running_campaigns": {"fr": "Campagnes en cours", "en": "Running campaigns"},
    "no_campaigns": {"fr": "Aucune campagne en cours.", "en": "No campaign running."},
    "campaign": {"fr": "Campagne", "en": "Campaign"},
    "campaigns": {"fr": "Campagnes", "en": "Campaigns"},
    "key_date": {"fr": "Temps fort", "en": "Key date"},
    "posts": {"fr": "Publications", "en": "Posts"},
    "post": {"fr": "Publication", "en": "Post"},
    "archive": {"fr": "Archives", "en": "Archive"},
    "archive_intro": {
        "fr": "Toutes les publications, mois par mois.",
        "en": "Every post, month by month.",
    },
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
    "colour_red": {"fr": "rouge", "en": "red"},
    "colour_orange": {"fr": "orange", "en": "orange"},
    "colour_yellow": {"fr": "jaune", "en": "yellow"},
    "colour_green": {"fr": "vert", "en": "green"},
    "colour_teal": {"fr": "bleu-vert", "en": "teal"},
    "colour_blue": {"fr": "bleu", "en": "blue"},
    "colour_purple": {"fr": "violet", "en": "purple"},
    "colour_pink": {"fr": "rose", "en": "pink"},
    "colour_brown": {"fr": "brun", "en": "brown"},
    "colour_grey": {"fr": "gris", "en": "grey"},
    "colour_black": {"fr": "noir", "en": "black"},
    "colour_white": {"fr": "blanc", "en": "white"},
    "fact": {"fr": "{label} : {value}", "en": "{label}: {value}"},
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
    "characters": {"fr": "caractères", "en": "characters"},
    "characters_with_link": {"fr": "caractères, lien compris", "en": "characters, link included"},
    "month_posts": {"fr": "Publications de {month}", "en": "Posts of {month}"},
    "generated": {"fr": "Portail mis à jour le {date}", "en": "Portal updated on {date}"},
    "footer_subscribe": {"fr": "S’abonner au calendrier", "en": "Subscribe to the calendar"},
    "feed_title": {"fr": "Les kits de {name} (Atom)", "en": "{name}’s kits (Atom)"},
    "footer_kits_feed": {"fr": "Flux des kits (Atom)", "en": "Kits feed (Atom)"},
    "footer_repo": {"fr": "Le contenu sur Git", "en": "The content on Git"},
    "footer_label": {"fr": "Pied de page", "en": "Footer"},
    "preview_errors": {"fr": "Le contenu a des erreurs.", "en": "The content has errors."},
    "preview_errors_text": {
        "fr": "Cet aperçu montre la dernière version correcte jusqu’à ce qu’elles soient corrigées :",
        "en": "This preview shows the last good version until they are fixed:",
    },
    "not_found_title": {"fr": "Page introuvable", "en": "Page not found"},
    "not_found_text": {
        "fr": "Cette adresse ne mène à aucune page du portail : elle a peut-être changé, ou le kit est archivé.",
        "en": "This address leads to no page of the portal: it may have changed, or the kit is archived.",
    },
    "not_found_home": {"fr": "Accueil du portail", "en": "The portal’s home page"},
    "not_found_search": {
        "fr": "Ou cherchez avec la loupe en haut de la page.",
        "en": "Or search with the magnifying glass at the top of the page.",
    },
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
    # calendar
    "calendar": {"fr": "Calendrier", "en": "Calendar"},
    "cal_agenda": {"fr": "Agenda", "en": "Agenda"},
    "cal_month": {"fr": "Mois", "en": "Month"},
    "cal_board": {"fr": "Tableau", "en": "Board"},
    "cal_board_title": {"fr": "Tableau de production", "en": "Production board"},
    "cal_board_intro": {
        "fr": "Les publications en préparation, par statut, avec leur échéance et leur responsable. Une échéance dépassée avant validation est signalée.",
        "en": "Posts in preparation, by status, with their due date and owner. A due date passed before approval is flagged.",
    },
    "cal_views": {"fr": "Vues du calendrier", "en": "Calendar views"},
    "cal_filters": {"fr": "Filtres du calendrier", "en": "Calendar filters"},
    "cal_all_networks": {"fr": "Tous les réseaux", "en": "All networks"},
    "cal_all_campaigns": {"fr": "Toutes les campagnes", "en": "All campaigns"},
    "cal_all_owners": {"fr": "Tous les responsables", "en": "All owners"},
    "cal_all_statuses": {"fr": "Tous les statuts", "en": "All statuses"},
    "cal_show_all": {"fr": "Tout afficher", "en": "Show all"},
    "cal_shown": {"fr": "{n} sur {total} affichés", "en": "{n} of {total} shown"},
    "cal_week_full": {"fr": "Numéro de semaine", "en": "Week number"},
    "cal_week_col": {"fr": "Sem.", "en": "Wk"},
    "cal_week": {"fr": "Semaine {n}, du {start} au {end}", "en": "Week {n}, {start} to {end}"},
    "cal_today": {"fr": "Aujourd’hui", "en": "Today"},
    "cal_months_nav": {"fr": "Mois précédent et suivant", "en": "Previous and next month"},
    "cal_prev_month": {"fr": "Mois précédent", "en": "Previous month"},
    "cal_next_month": {"fr": "Mois suivant", "en": "Next month"},
    "cal_this_month": {"fr": "Ce mois-ci", "en": "This month"},
    "cal_month_title": {"fr": "Calendrier de {month}", "en": "Calendar for {month}"},
    "cal_show_month_view": {"fr": "Voir le mois en grille", "en": "See the month as a grid"},
    "cal_legend": {"fr": "Couleurs des statuts", "en": "Status colours"},
    "cal_agenda_title": {"fr": "Les {n} prochaines semaines", "en": "The next {n} weeks"},
    "cal_free_slot": {"fr": "Créneau libre", "en": "Free slot"},
    "cal_nothing_week": {"fr": "Rien de prévu cette semaine.", "en": "Nothing planned this week."},
    "cal_subscriptions": {"fr": "S’abonner au calendrier", "en": "Subscribe to the calendar"},
    "cal_subscriptions_intro": {
        "fr": "Ajoutez ces calendriers à Outlook, Google Agenda ou Calendrier d’Apple : copiez le lien et ajoutez-le comme calendrier « à partir d’une URL », ou ouvrez le lien d’abonnement. Ils se mettent à jour à chaque publication du portail.",
        "en": "Add these calendars to Outlook, Google Calendar or Apple Calendar: copy the link and add it as a calendar “from URL”, or open the subscribe link. They update each time the portal is published.",
    },
    "cal_subscribe": {"fr": "S’abonner", "en": "Subscribe"},
    "cal_copy_link": {"fr": "Copier le lien", "en": "Copy link"},
    "cal_copied": {"fr": "Lien copié", "en": "Link copied"},
    "cal_feed_all": {"fr": "Toutes les publications", "en": "All posts"},
    "cal_feeds_all": {"fr": "Tout le calendrier", "en": "The whole calendar"},
    "cal_feeds_networks": {"fr": "Par réseau", "en": "By network"},
    "cal_feeds_campaigns": {"fr": "Par campagne", "en": "By campaign"},
    "cal_feeds_owners": {"fr": "Par responsable", "en": "By owner"},
    "cal_overdue": {"fr": "En retard", "en": "Overdue"},
    "cal_board_columns": {"fr": "Colonnes du tableau", "en": "Board columns"},
    "cal_empty_column": {"fr": "Aucune publication.", "en": "No post."},
    "cal_board_later_link": {"fr": "Voir {month}", "en": "See {month}"},
    "cal_key_dates_title": {
        "fr": "Temps forts des douze prochains mois",
        "en": "Key dates of the next twelve months",
    },
    "cal_no_linked": {"fr": "Aucune publication liée.", "en": "No linked post."},
    "cal_no_key_dates_year": {
        "fr": "Aucun temps fort dans les douze prochains mois.",
        "en": "No key date in the next twelve months.",
    },
    "cal_dates": {"fr": "Dates", "en": "Dates"},
    "cal_goal": {"fr": "Objectif", "en": "Goal"},
    "cal_colour": {"fr": "Couleur", "en": "Colour"},
    "cal_no_campaign_posts": {
        "fr": "Aucune publication dans cette campagne.",
        "en": "No post in this campaign.",
    },
    "cal_key_dates_during": {
        "fr": "Temps forts pendant la campagne",
        "en": "Key dates during the campaign",
    },
    "cal_campaign_title": {"fr": "Campagne : {title}", "en": "Campaign: {title}"},
    "cal_campaign_running": {"fr": "En cours", "en": "Running"},
    "cal_campaign_upcoming": {"fr": "À venir", "en": "Upcoming"},
    "cal_campaign_past": {"fr": "Terminée", "en": "Ended"},
    "cal_no_campaigns": {"fr": "Aucune campagne.", "en": "No campaign."},
    # kits
    "ambassadors": {"fr": "Ambassadeurs", "en": "Ambassadors"},
    "directory": {"fr": "Annuaire", "en": "Directory"},
    "directory_intro": {
        "fr": "Les collègues qui partagent nos publications sur leurs propres comptes. Chacun a sa page avec ses kits ; sans profil, utilisez la page commune :",
        "en": "Colleagues who share our posts on their own accounts. Each has a page with their kits; without a profile, use the shared page:",
    },
    "no_ambassadors": {
        "fr": "Aucun ambassadeur dans l’annuaire pour l’instant.",
        "en": "No ambassador in the directory yet.",
    },
    "team": {"fr": "Équipe", "en": "Team"},
    "languages": {"fr": "Langues", "en": "Languages"},
    "specialist": {"fr": "spécialiste", "en": "specialist"},
    "share_kits": {"fr": "Kits de partage", "en": "Share kits"},
    "kits_intro": {
        "fr": "Tous les kits ouverts, réseau par réseau. Choisissez vos réseaux, complétez les passages entre [[ ]], puis copiez ou partagez. Les liens portent le suivi de la campagne ; votre page personnelle y ajoute le vôtre.",
        "en": "Every open kit, network by network. Pick your networks, fill in the parts between [[ ]], then copy or share. Links carry the campaign's tracking; your personal page adds yours.",
    },
    "kits_none": {"fr": "Aucun kit ouvert en ce moment.", "en": "No kit is open right now."},
    "pick_networks": {"fr": "Mes réseaux", "en": "My networks"},
    "kits_archive": {"fr": "Kits archivés", "en": "Archived kits"},
    "kits_archive_intro": {
        "fr": "Les kits dont la période de partage est terminée, pour mémoire : ne les partagez plus.",
        "en": "Kits whose sharing period is over, for the record: do not share them any more.",
    },
    "kits_archive_none": {"fr": "Aucun kit archivé.", "en": "No archived kit."},
    "kits_archive_months": {
        "fr": "Une page par mois, selon la date de fermeture des kits, les plus récents d’abord.",
        "en": "One page per month, by the date the kits closed, the most recent first.",
    },
    "kits_archive_month": {"fr": "Kits fermés en {month}", "en": "Kits closed in {month}"},
    "kit_window": {"fr": "À partager du {start} au {end}", "en": "Share from {start} to {end}"},
    "kit_closed": {"fr": "fermé le {date}", "en": "closed on {date}"},
    "kit_block_open": {
        "fr": "Kit ambassadeurs ouvert jusqu’au {date}.",
        "en": "Ambassador kit open until {date}.",
    },
    "kit_block_upcoming": {
        "fr": "Kit ambassadeurs ouvert à partir du {date}.",
        "en": "Ambassador kit open from {date}.",
    },
    "kit_block_closed": {
        "fr": "Kit ambassadeurs fermé le {date}.",
        "en": "Ambassador kit closed on {date}.",
    },
    "open_kit": {"fr": "Ouvrir le kit", "en": "Open the kit"},
    "home_kits": {"fr": "Kits à partager", "en": "Kits to share"},
    "find_your_page": {
        "fr": "Trouvez votre page dans l’annuaire des ambassadeurs",
        "en": "Find your page in the ambassador directory",
    },
    "your_kits_none": {
        "fr": "Aucun kit ouvert pour vos réseaux en ce moment. Tous les kits :",
        "en": "No kit is open for your networks right now. All kits:",
    },
    "kit_js_note": {
        "fr": "Vos textes, avec votre lien personnel, s’affichent ici quand JavaScript est activé. Sinon, retrouvez chaque kit sur la page commune :",
        "en": "Your texts, with your personal link, show here when JavaScript is on. Otherwise, find each kit on the shared page:",
    },
    "kit_matches": {"fr": "Vos sujets : {topics}", "en": "Your topics: {topics}"},
    "kits_load_failed": {
        "fr": "Impossible de charger les kits ; ouvrez les liens ci-dessus.",
        "en": "Could not load the kits; open the links above.",
    },
    "suggested_text": {"fr": "Texte suggéré pour", "en": "Suggested text for"},
    "prompt_hint": {
        "fr": "Remplacez les passages surlignés entre [[ ]] par vos propres mots avant de copier.",
        "en": "Replace the highlighted parts between [[ ]] with your own words before copying.",
    },
    "prompt_fill": {
        "fr": "Complétez d’abord le passage « {prompt} » (entre [[ ]]).",
        "en": "First fill in the part “{prompt}” (between [[ ]]).",
    },
    "another_suggestion": {"fr": "Une autre suggestion", "en": "Another suggestion"},
    "suggestion_n": {"fr": "{n}/{total}", "en": "{n}/{total}"},
    "copy": {"fr": "Copier le texte", "en": "Copy the text"},
    "copied": {"fr": "Texte copié.", "en": "Text copied."},
    "copy_failed": {
        "fr": "La copie a échoué : sélectionnez le texte et copiez-le à la main.",
        "en": "Copying failed: select the text and copy it by hand.",
    },
    "share_on": {"fr": "Partager sur {network}", "en": "Share on {network}"},
    "share_email": {"fr": "Envoyer par e-mail", "en": "Send by e-mail"},
    "copy_and_share": {"fr": "Copier et ouvrir {network}", "en": "Copy and open {network}"},
    "copy_first_note": {
        "fr": "{network} ignore le texte pré-rempli : ce bouton copie d’abord le texte, collez-le dans la fenêtre qui s’ouvre.",
        "en": "{network} ignores prefilled text: this button copies the text first; paste it into the window that opens.",
    },
    "copied_paste": {
        "fr": "Texte copié : collez-le dans {network}.",
        "en": "Text copied: paste it into {network}.",
    },
    "no_share_link": {
        "fr": "{network} n’a pas de lien de partage : copiez le texte et téléchargez le visuel.",
        "en": "{network} has no share link: copy the text and download the visual.",
    },
    "share_device": {"fr": "Partager…", "en": "Share…"},
    "no_link_in_text": {
        "fr": "{network} ne rend pas les liens cliquables dans le texte : le lien de la publication n’y est pas (mettez-le dans votre bio si besoin).",
        "en": "{network} does not make links in the text clickable: the post’s link is left out (put it in your bio if needed).",
    },
    "text_for": {"fr": "Texte pour {network}", "en": "Text for {network}"},
    "share_now": {"fr": "À partager maintenant", "en": "Share now"},
    "share_now_none": {
        "fr": "Rien à partager pour le moment : les prochains kits arrivent bientôt.",
        "en": "Nothing to share right now: the next kits are on their way.",
    },
    "kit_new": {"fr": "Nouveau", "en": "New"},
    "kit_soon": {"fr": "Ferme bientôt", "en": "Closes soon"},
    "kit_ended": {"fr": "Fermé", "en": "Closed"},
    "kit_closes": {"fr": "À partager jusqu’au {date}", "en": "Share until {date}"},
    "coming_kits": {"fr": "Bientôt à partager", "en": "Coming soon to share"},
    "kit_opens": {"fr": "à partager à partir du {date}", "en": "to share from {date}"},
    "profile": {"fr": "Profil", "en": "Profile"},
    "mastodon_instance": {"fr": "Votre instance Mastodon :", "en": "Your Mastodon instance:"},
    "instance_bad": {
        "fr": "Indiquez votre instance Mastodon, par exemple mastodon.social.",
        "en": "Enter your Mastodon instance, for example mastodon.social.",
    },
    "fold_note": {
        "fr": "visible avant « voir plus » : {fold}",
        "en": "shown before “see more”: {fold}",
    },
    "bytes": {"fr": "octets", "en": "bytes"},
    "over_limit": {"fr": "Trop long pour {network}.", "en": "Too long for {network}."},
    "alt_text": {"fr": "Texte alternatif :", "en": "Alt text:"},
    "download_visual": {"fr": "Télécharger le visuel", "en": "Download the visual"},
    "digest_title": {
        "fr": "Les kits à partager, semaine {n} de {year}",
        "en": "Kits to share, week {n} of {year}",
    },
    "digest_hello": {"fr": "Bonjour {name},", "en": "Hello {name},"},
    "digest_intro": {
        "fr": "Voici les kits ouverts du {start} au {end}. Sur le portail, chaque texte est prêt à copier, avec votre lien de suivi.",
        "en": "Here are the kits open from {start} to {end}. On the portal, each text is ready to copy, with your tracking link.",
    },
    "digest_intro_all": {
        "fr": "Voici les kits ouverts du {start} au {end}. Sur le portail, chaque texte est prêt à copier ; votre page personnelle y ajoute votre lien de suivi.",
        "en": "Here are the kits open from {start} to {end}. On the portal, each text is ready to copy; your personal page adds your tracking link.",
    },
    "digest_page": {"fr": "Le récapitulatif de la semaine", "en": "This week’s digest"},
    "digest_none": {
        "fr": "Aucun kit ouvert cette semaine.",
        "en": "No kit is open this week.",
    },
    "digest_page_note": {
        "fr": "Le même récapitulatif peut être envoyé par e-mail chaque semaine (commande relais digest).",
        "en": "The same digest can be sent by e-mail every week (command relais digest).",
    },
    "digest_link": {
        "fr": "Le récapitulatif de la semaine, à lire ou à transmettre",
        "en": "This week’s digest, to read or pass on",
    },
    "feed_link": {
        "fr": "Suivre vos kits dans un lecteur de flux ou dans Teams et Slack (Atom)",
        "en": "Follow your kits in a feed reader, or in Teams and Slack (Atom)",
    },
    "digest_opens": {"fr": "ouvre le {date}", "en": "opens on {date}"},
    "digest_all_kits": {"fr": "Tous les kits sur le portail", "en": "All the kits on the portal"},
    "digest_footer": {
        "fr": "Préparé par Relais pour {site}.",
        "en": "Prepared by Relais for {site}.",
    },
    # moderation
    "moderation": {"fr": "Modération", "en": "Moderation"},
    "mod_replies": {"fr": "Réponses validées", "en": "Approved replies"},
    "mod_intro": {
        "fr": "Les réponses approuvées par l’équipe, par situation. Choisissez votre réseau, complétez les passages entre [[ ]], puis copiez la réponse.",
        "en": "The replies the team approved, by situation. Pick your network, fill in the parts between [[ ]], then copy the reply.",
    },
    "mod_guide": {"fr": "Que faire d’un message ?", "en": "What to do with a message?"},
    "mod_read_charter": {"fr": "Lire la charte de modération", "en": "Read the moderation charter"},
    "mod_action_answer": {"fr": "Répondre", "en": "Answer"},
    "mod_action_hide": {"fr": "Masquer", "en": "Hide"},
    "mod_action_delete": {"fr": "Supprimer", "en": "Delete"},
    "mod_action_escalate": {"fr": "Transmettre", "en": "Escalate"},
    "mod_guide_answer": {
        "fr": "Répondre publiquement, avec une réponse validée de cette page.",
        "en": "Answer in public, with an approved reply from this page.",
    },
    "mod_guide_hide": {
        "fr": "Masquer le message : son auteur le voit encore, la conversation reprend.",
        "en": "Hide the message: its author still sees it, the conversation goes on.",
    },
    "mod_guide_delete": {
        "fr": "Supprimer ce que la charte exclut, après une capture datée.",
        "en": "Delete what the charter rules out, after a dated screenshot.",
    },
    "mod_guide_escalate": {
        "fr": "Transmettre au service qui peut résoudre, et dire publiquement qui s’en occupe.",
        "en": "Pass it to the service that can solve it, and say in public who takes care of it.",
    },
    "mod_guide_none": {"fr": "Aucune situation.", "en": "No situation."},
    "mod_filters": {"fr": "Filtrer les réponses", "en": "Filter the replies"},
    "mod_search": {"fr": "Rechercher", "en": "Search"},
    "mod_search_placeholder": {"fr": "allergènes, retard…", "en": "allergens, late…"},
    "mod_situation": {"fr": "Situation", "en": "Situation"},
    "mod_all_situations": {"fr": "Toutes les situations", "en": "All situations"},
    "mod_network": {"fr": "Réseau", "en": "Network"},
    "mod_all_networks": {"fr": "Tous les réseaux", "en": "All networks"},
    "mod_shown_one": {"fr": "{n} réponse affichée", "en": "{n} reply shown"},
    "mod_shown_other": {"fr": "{n} réponses affichées", "en": "{n} replies shown"},
    "mod_none_shown": {
        "fr": "Aucune réponse ne correspond : essayez un autre mot ou une autre situation.",
        "en": "No reply matches: try another word or another situation.",
    },
    "mod_when": {"fr": "Quand", "en": "When"},
    "mod_tone_label": {"fr": "Ton :", "en": "Tone:"},
    "mod_owner_label": {"fr": "Responsable :", "en": "Owner:"},
    "mod_review": {"fr": "À relire le", "en": "Review by"},
    "mod_review_due": {"fr": "À relire depuis le {date}", "en": "Due for review since {date}"},
    "mod_escalate_to": {"fr": "À transmettre à :", "en": "Escalate to:"},
    "mod_who_to_alert": {"fr": "Qui alerter", "en": "Who to alert"},
    "mod_no_reply": {
        "fr": "Pas encore de réponse validée pour cette situation.",
        "en": "No approved reply for this situation yet.",
    },
    "mod_empty": {
        "fr": "Aucune réponse validée pour l’instant (fichier moderation/replies.yml).",
        "en": "No approved reply yet (file moderation/replies.yml).",
    },
    "mod_escalation_intro": {
        "fr": "À qui transmettre un message, par sujet : le service, qui contacter, comment, en combien de temps, et que faire la nuit ou le week-end.",
        "en": "Who to pass a message to, by topic: the service, whom to contact, how, how fast, and what to do at night or at weekends.",
    },
    "mod_escalation_empty": {
        "fr": "Aucun sujet dans l’annuaire (fichier moderation/escalation.yml).",
        "en": "No topic in the directory (file moderation/escalation.yml).",
    },
    "mod_field_service": {"fr": "Service", "en": "Service"},
    "mod_field_contact": {"fr": "Contact", "en": "Contact"},
    "mod_field_channel": {"fr": "Canal", "en": "Channel"},
    "mod_field_response_time": {"fr": "Délai de réponse", "en": "Response time"},
    "mod_field_out_of_hours": {"fr": "Hors horaires", "en": "Out of hours"},
    "mod_field_person": {"fr": "Personne", "en": "Person"},
    "mod_field_phone": {"fr": "Téléphone", "en": "Phone"},
    "mod_field_email": {"fr": "E-mail", "en": "E-mail"},
    "mod_feedback": {"fr": "Retours récurrents", "en": "Recurring feedback"},
    "mod_feedback_intro": {
        "fr": "Ce que la communauté demande ou critique encore et encore : le point de départ de la revue régulière de l’équipe.",
        "en": "What the community keeps asking or complaining about: where the team’s regular review starts.",
    },
    "mod_feedback_empty": {
        "fr": "Aucun retour récurrent (fichier moderation/feedback.yml).",
        "en": "No recurring feedback (file moderation/feedback.yml).",
    },
    "mod_topic": {"fr": "Sujet", "en": "Topic"},
    "mod_first_seen": {"fr": "Depuis le", "en": "First seen"},
    "mod_last_seen": {"fr": "Dernière fois le", "en": "Last seen"},
    "mod_times_one": {"fr": "signalé {n} fois", "en": "raised {n} time"},
    "mod_times_other": {"fr": "signalé {n} fois", "en": "raised {n} times"},
    "mod_linked_replies": {"fr": "Réponses", "en": "Replies"},
    "mod_note": {"fr": "Où en est-on", "en": "Where it stands"},
    "feedback_open": {"fr": "Ouvert", "en": "Open"},
    "feedback_in-progress": {"fr": "En cours", "en": "In progress"},
    "feedback_solved": {"fr": "Résolu", "en": "Solved"},
    "feedback_declined": {"fr": "Écarté", "en": "Declined"},
    # watch alerts
    "alert_level_alert": {"fr": "Alerte", "en": "Alert"},
    "alert_level_watch": {"fr": "À surveiller", "en": "To watch"},
    "alerts_one": {"fr": "{n} alerte dans la veille", "en": "{n} alert in the watch"},
    "alerts_other": {"fr": "{n} alertes dans la veille", "en": "{n} alerts in the watch"},
    "alert_spike": {
        "fr": "Pic de mentions de la marque : {count} aujourd’hui, pour une médiane de {median} par jour sur les {days} jours précédents.",
        "en": "Spike in brand mentions: {count} today, against a median of {median} a day over the previous {days} days.",
    },
    "alert_matched": {"fr": "Repéré : {terms}", "en": "Matched: {terms}"},
    "alert_see_watch": {"fr": "Voir dans la veille", "en": "See in the watch"},
    "notify_title_one": {
        "fr": "Relais : {n} nouvelle alerte de veille",
        "en": "Relais: {n} new watch alert",
    },
    "notify_title_other": {
        "fr": "Relais : {n} nouvelles alertes de veille",
        "en": "Relais: {n} new watch alerts",
    },
    "notify_none": {
        "fr": "Relais : aucune nouvelle alerte de veille",
        "en": "Relais: no new watch alert",
    },
    "notify_who": {"fr": "qui alerter : {who}", "en": "who to alert: {who}"},
    "notify_open": {"fr": "Ouvrir l’article", "en": "Open the article"},
}

# Labels that hold a number: one text per CLDR plural category of each language, chosen by
# Babel's plural rules ("other" when a category is missing: French "many" is for millions).
# Every language needs its "one" and "other" (a test checks it); never "kit(s)".
PLURALS: Mapping[str, Mapping[str, Mapping[str, str]]] = {
    "posts_count": {
        "fr": {"one": "{n} publication", "other": "{n} publications"},
        "en": {"one": "{n} post", "other": "{n} posts"},
    },
    "cal_events": {
        "fr": {"one": "{n} événement", "other": "{n} événements"},
        "en": {"one": "{n} event", "other": "{n} events"},
    },
    "cal_board_later": {
        "fr": {
            "one": "Et {n} publication prévue à partir du {day}.",
            "other": "Et {n} publications prévues à partir du {day}.",
        },
        "en": {
            "one": "And {n} post planned from {day} on.",
            "other": "And {n} posts planned from {day} on.",
        },
    },
    "cal_overdue_count": {
        "fr": {"one": "{n} en retard", "other": "{n} en retard"},
        "en": {"one": "{n} overdue", "other": "{n} overdue"},
    },
    "kits_count": {
        "fr": {"one": "{n} kit", "other": "{n} kits"},
        "en": {"one": "{n} kit", "other": "{n} kits"},
    },
    "kits_for_you": {
        "fr": {
            "one": "{n} kit ouvert pour ses réseaux",
            "other": "{n} kits ouverts pour ses réseaux",
        },
        "en": {
            "one": "{n} open kit for their networks",
            "other": "{n} open kits for their networks",
        },
    },
    "watch_entries": {
        "fr": {"one": "{n} entrée", "other": "{n} entrées"},
        "en": {"one": "{n} entry", "other": "{n} entries"},
    },
    "watch_failing": {
        "fr": {"one": "{n} source en échec", "other": "{n} sources en échec"},
        "en": {"one": "{n} failing source", "other": "{n} failing sources"},
    },
    "share_now_all": {
        "fr": {"one": "Voir le kit ouvert ({n})", "other": "Voir les {n} kits ouverts"},
        "en": {"one": "See the open kit ({n})", "other": "See all {n} open kits"},
    },
}


def _with_features(labels: Mapping[str, Mapping[str, str]]) -> Mapping[str, Mapping[str, str]]:
    """The labels above with those of the feature packages that keep their own."""
    from .stats.labels import LABELS as stats

    return {**labels, **stats}


LABELS = _with_features(LABELS)


class Translator:
    """Labels and date formats for one language."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}")
        self.lang = lang

    def fingerprint(self) -> str:
        """All that its answers depend on besides Relais' code (memo.fingerprint)."""
        return self.lang

    def __call__(self, key: str, **values: object) -> str:
        text = LABELS[key][self.lang]
        return text.format(**values) if values else text

    def plural(self, key: str, n: int, **values: object) -> str:
        """The label `key` for the number `n`, by the language's plural rules ('1 kit', '2 kits'):
        its forms in PLURALS, or the labels `key_one` and `key_other` (CLDR, through Babel)."""
        category = _plural_form(self.lang, n)
        if key in PLURALS:
            forms = PLURALS[key][self.lang]
            text = forms.get(category, forms["other"])
        else:
            text = LABELS[f"{key}_{'one' if category == 'one' else 'other'}"][self.lang]
        return text.format(n=format_decimal(n, locale=self.lang), **values)

    def number(self, n: float) -> str:
        """A number as the language writes it ('1 000' / '1,000')."""
        return format_decimal(n, locale=self.lang)

    def language(self, code: str) -> str:
        """A language's name in the reader's language ('fr' -> 'français' / 'French'); the code
        itself when Babel does not know it."""
        return _language_name(code, self.lang)

    def languages(self, codes: Iterable[str]) -> str:
        """Language names as a list in the reader's language ('français et anglais')."""
        names = [self.language(c) for c in codes]
        return format_list(names, locale=self.lang) if names else ""

    def colour(self, hex_colour: str) -> str:
        """A '#rrggbb' colour as a word a reader knows ('#1e88e5' -> 'bleu' / 'blue')."""
        return self(f"colour_{colour_family(hex_colour)}")

    def status(self, status: str) -> str:
        return self(f"status_{status}")

    def format(self, fmt: str) -> str:
        return self(f"format_{fmt}")

    def day(self, value: date | datetime) -> str:
        """'mercredi 3 décembre 2026' / 'Wednesday, December 3, 2026'."""
        return _fmt_date(
            value if not isinstance(value, datetime) else value.date(), "full", self.lang
        )

    def short_day(self, value: date | datetime) -> str:
        """'mer. 3 déc.' / 'Wed, Dec 3'."""
        d = value.date() if isinstance(value, datetime) else value
        return _fmt_date(d, "EEE d MMM" if self.lang == "fr" else "EEE, MMM d", self.lang)

    def medium_day(self, value: date | datetime) -> str:
        d = value.date() if isinstance(value, datetime) else value
        return _fmt_date(d, "d MMM y" if self.lang == "fr" else "MMM d, y", self.lang)

    def clock(self, value: datetime) -> str:
        return _fmt_clock(value.hour, value.minute, self.lang)

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


@lru_cache(maxsize=2048)  # a clock shows hours and minutes only: the same few on thousands of posts
def _fmt_clock(hour: int, minute: int, lang: str) -> str:
    return format_time(time(hour, minute), "HH:mm" if lang == "fr" else "h:mm a", locale=lang)


@lru_cache(maxsize=4096)
def _plural_form(lang: str, n: int) -> str:
    return str(Locale.parse(lang).plural_form(n))


@lru_cache(maxsize=512)
def _language_name(code: str, lang: str) -> str:
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(locale=lang)
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return name or code


def counted(n: int, word: str, plural: str = "") -> str:
    """A count in English for the command line, which speaks English: '1 feed', '2 feeds'."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def colour_family(hex_colour: str) -> str:
    """The everyday name of a '#rgb' or '#rrggbb' colour's family, by its hue, lightness and
    saturation: red, orange, yellow, green, teal, blue, purple, pink, brown, grey, black, white."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    try:
        r, g, b = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return "grey"
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    if light < 0.12:
        return "black"
    if light > 0.93:
        return "white"
    if sat < 0.15:
        return "grey"
    degrees = hue * 360
    if degrees < 15 or degrees >= 340:
        return "red" if light > 0.25 or sat > 0.5 else "brown"
    if degrees < 35:
        return "orange" if light > 0.4 and sat > 0.5 else "brown"
    if degrees < 70:
        return "yellow"
    if degrees < 160:
        return "green"
    if degrees < 195:
        return "teal"
    if degrees < 255:
        return "blue"
    if degrees < 290:
        return "purple"
    return "pink"
