"""The programme workbook: its sheets, their columns and the codes they use
(docs/import-format.md). Import, export and the empty template all read this
one description, so they cannot drift apart."""

from dataclasses import dataclass

from parcours.assessments.enums import Moment
from parcours.attendance.enums import Presence
from parcours.core.domains import Domain
from parcours.participants.enums import (
    Answer,
    FrenchLevel,
    Gender,
    LabourMarketStatus,
    LanguageCourse,
    QualificationLevel,
    Recognition,
    UnemploymentDuration,
)
from parcours.programme.enums import OUTCOME_DETAILS, ExitOutcome, ProcessType, YesNo
from parcours.workshops.enums import Axis, ProviderKind

# The sheet of the empty template that explains the codes: the importer skips it.
CODES_SHEET = "codes"

YES_NO = ("yes", "no")


@dataclass(frozen=True)
class Column:
    name: str
    # text, code, date, month_or_date, time, bool, rating, minutes, niss, country, groups
    kind: str
    required: bool = False
    codes: tuple = ()
    max_length: int | None = None


def _codes(choices) -> tuple:
    return tuple(choices.values)


SHEETS: dict[str, tuple[Column, ...]] = {
    "participants": (
        Column("reference", "text", required=True, max_length=40),
        Column("last_name", "text", required=True, max_length=150),
        Column("first_name", "text", required=True, max_length=150),
        Column("gender", "code", required=True, codes=_codes(Gender)),
        Column("birth_date", "date", required=True),
        Column("birth_country", "country"),
        Column("nationality", "country"),
        Column("niss", "niss"),
        Column("qualification_level", "code", codes=_codes(QualificationLevel)),
        Column("qualification_recognised", "code", codes=_codes(Recognition)),
        Column("never_worked", "bool"),
        Column("inactive_since", "month_or_date"),
        Column("french_level", "code", codes=_codes(FrenchLevel)),
        Column("language_course", "code", codes=_codes(LanguageCourse)),
        # On entering, for the ESF+ indicators; a workbook without them keeps what is stored.
        Column("labour_market_status", "code", codes=_codes(LabourMarketStatus)),
        Column("unemployment_duration", "code", codes=_codes(UnemploymentDuration)),
        Column("housing_exclusion", "code", codes=_codes(Answer)),
        Column("rural_area", "code", codes=_codes(Answer)),
        Column("disability", "code", codes=_codes(Answer)),
        Column("foreign_background", "code", codes=_codes(Answer)),
        Column("minority", "code", codes=_codes(Answer)),
    ),
    "groups": (
        Column("name", "text", required=True, max_length=100),
        Column("process_type", "code", required=True, codes=_codes(ProcessType)),
        Column("start_date", "date", required=True),
        Column("end_date", "date", required=True),
    ),
    "enrolments": (
        Column("participant", "text", required=True, max_length=40),
        Column("group", "text", required=True, max_length=100),
        Column("start_date", "date", required=True),
        Column("exit_date", "date"),
        Column("outcome", "code", codes=_codes(ExitOutcome)),
        Column(
            "outcome_detail",
            "code",
            codes=tuple(
                code for details in OUTCOME_DETAILS.values() if details for code in details.values
            ),
        ),
        Column("qualification_gained", "code", codes=_codes(YesNo)),
    ),
    "assessments": (
        Column("participant", "text", required=True, max_length=40),
        Column("group", "text", required=True, max_length=100),
        Column("moment", "code", required=True, codes=_codes(Moment)),
        Column("date", "date", required=True),
        # Optional: older workbooks have no duration, and an assessment without one is
        # counted as such in the report.
        Column("duration_minutes", "minutes"),
        *(Column(domain, "rating") for domain in Domain.values),
    ),
    "sessions": (
        Column("workshop", "text", required=True, max_length=150),
        Column("axis", "code", required=True, codes=_codes(Axis)),
        Column("provider_kind", "code", required=True, codes=_codes(ProviderKind)),
        Column("provider", "text", max_length=150),
        Column("groups", "groups", required=True),
        Column("date", "date", required=True),
        Column("start_time", "time", required=True),
        Column("end_time", "time", required=True),
        Column("cancelled", "bool"),
    ),
    "attendance": (
        Column("participant", "text", required=True, max_length=40),
        Column("workshop", "text", required=True, max_length=150),
        Column("date", "date", required=True),
        Column("start_time", "time", required=True),
        # The format lists present, absent and excused; `late` (a late arrival, who
        # attended) is the application's fourth mark, accepted so that an export of
        # registers taken in Parcours imports back unchanged.
        Column("status", "code", required=True, codes=_codes(Presence)),
    ),
}

REQUIRED_SHEETS = ("participants",)

# What the template's `codes` sheet says, in French as the programme's users read it.
# Fixed text on purpose: the sheet documents the file format, whatever the interface
# language of the person who downloads it.
CODE_EXPLANATIONS_FR: list[tuple[str, str, str, str]] = [
    ("participants", "gender", "F", "femme"),
    ("participants", "gender", "M", "homme"),
    ("participants", "gender", "X", "autre / non précisé"),
    ("participants", "birth_country, nationality", "BE, MA, CD…", "code pays ISO à 2 lettres"),
    ("participants", "niss", "85073003328", "numéro de registre national (vérifié)"),
    ("participants", "qualification_level", "none", "aucun diplôme"),
    ("participants", "qualification_level", "primary", "primaire"),
    ("participants", "qualification_level", "lower_secondary", "secondaire inférieur"),
    ("participants", "qualification_level", "upper_secondary", "secondaire supérieur"),
    ("participants", "qualification_level", "higher", "enseignement supérieur"),
    ("participants", "qualification_recognised", "yes", "diplôme reconnu en Belgique"),
    ("participants", "qualification_recognised", "no", "diplôme non reconnu"),
    ("participants", "qualification_recognised", "pending", "équivalence en cours"),
    ("participants", "never_worked", "yes / no", "n'a jamais travaillé"),
    ("participants", "inactive_since", "2014-03", "fin du dernier emploi (date ou mois)"),
    ("participants", "french_level", "very_weak", "très faible"),
    ("participants", "french_level", "weak", "faible"),
    ("participants", "french_level", "medium", "moyen"),
    ("participants", "french_level", "good", "bon"),
    ("participants", "french_level", "very_good", "très bon"),
    ("participants", "french_level", "native", "langue maternelle"),
    ("participants", "language_course", "none", "aucun cours de langue"),
    ("participants", "language_course", "fle", "français langue étrangère (FLE)"),
    ("participants", "language_course", "literacy", "alphabétisation"),
    ("groups", "process_type", "remobilisation", "remobilisation (10 mois)"),
    ("groups", "process_type", "immersion", "immersion en français (12 mois)"),
    ("enrolments", "outcome", "dropout", "abandon"),
    ("enrolments", "outcome", "extension", "prolongation dans un autre groupe"),
    ("enrolments", "outcome", "social_project", "projet d'insertion sociale"),
    ("enrolments", "outcome", "professional_project", "projet d'insertion professionnelle"),
    ("participants", "labour_market_status", "unemployed", "chômeur (sans emploi, en recherche)"),
    ("participants", "labour_market_status", "inactive", "inactif (sans emploi, sans recherche)"),
    ("participants", "labour_market_status", "employed", "salarié"),
    ("participants", "labour_market_status", "self_employed", "indépendant"),
    ("participants", "labour_market_status", "refused", "ne souhaite pas répondre"),
    ("participants", "unemployment_duration", "up_to_6", "6 mois ou moins"),
    ("participants", "unemployment_duration", "up_to_12", "plus de 6 mois, jusqu'à 12 mois"),
    ("participants", "unemployment_duration", "over_12", "plus de 12 mois"),
    ("participants", "unemployment_duration", "refused", "ne souhaite pas répondre"),
    (
        "participants",
        "housing_exclusion, rural_area, disability, foreign_background, minority",
        "yes, no, refused",
        "oui, non, ne souhaite pas répondre",
    ),
    ("enrolments", "qualification_gained", "yes, no", "qualification obtenue à la sortie"),
    ("enrolments", "outcome_detail (dropout)", "health", "santé"),
    ("enrolments", "outcome_detail (dropout)", "moving", "déménagement"),
    ("enrolments", "outcome_detail (dropout)", "other", "autre raison"),
    ("enrolments", "outcome_detail (social_project)", "volunteering", "bénévolat"),
    (
        "enrolments",
        "outcome_detail (social_project)",
        "language_training",
        "préformation en langue",
    ),
    ("enrolments", "outcome_detail (social_project)", "digital_training", "préformation numérique"),
    ("enrolments", "outcome_detail (social_project)", "arts_culture", "activités artistiques"),
    ("enrolments", "outcome_detail (social_project)", "personal_project", "projet personnel"),
    ("enrolments", "outcome_detail (professional_project)", "pre_training", "préformation"),
    (
        "enrolments",
        "outcome_detail (professional_project)",
        "qualifying_training",
        "formation qualifiante",
    ),
    ("enrolments", "outcome_detail (professional_project)", "job_search", "recherche d'emploi"),
    ("enrolments", "outcome_detail (professional_project)", "employment", "emploi"),
    ("assessments", "moment", "entry", "bilan d'entrée"),
    ("assessments", "moment", "middle", "bilan intermédiaire"),
    ("assessments", "moment", "end", "bilan de fin"),
    (
        "assessments",
        "duration_minutes",
        "75",
        "durée du bilan en minutes (1 à 720) ; vide = non relevée",
    ),
    ("assessments", "administrative", "1-5", "situation administrative"),
    ("assessments", "family", "1-5", "vie familiale"),
    ("assessments", "social_cultural", "1-5", "vie sociale et culturelle"),
    ("assessments", "housing", "1-5", "logement"),
    ("assessments", "financial", "1-5", "situation financière"),
    ("assessments", "health", "1-5", "santé psychologique et physique"),
    ("assessments", "employment_training", "1-5", "emploi et formation"),
    ("assessments", "(cote)", "1", "situation critique"),
    ("assessments", "(cote)", "2", "difficultés importantes"),
    ("assessments", "(cote)", "3", "fragile"),
    ("assessments", "(cote)", "4", "stabilisé"),
    ("assessments", "(cote)", "5", "autonome ; vide = non concerné"),
    ("sessions", "axis", "educational", "axe éducatif"),
    ("sessions", "axis", "cultural", "axe artistique et culturel"),
    ("sessions", "provider_kind", "team", "animé par l'équipe"),
    (
        "sessions",
        "provider_kind",
        "subcontractor",
        "animé par un sous-traitant (provider obligatoire)",
    ),
    ("sessions", "provider_kind", "partner", "animé par un partenaire (provider obligatoire)"),
    ("sessions", "groups", "Groupe A;Groupe B", "noms des groupes séparés par ;"),
    ("sessions", "start_time, end_time", "14:00", "heure (HH:MM)"),
    ("sessions", "cancelled", "yes / no", "séance annulée"),
    ("attendance", "status", "present", "présent"),
    ("attendance", "status", "late", "arrivé en retard (présent)"),
    ("attendance", "status", "absent", "absent"),
    ("attendance", "status", "excused", "absent excusé"),
    ("(toutes)", "dates", "2016-09-05", "date ISO ou vraie date Excel"),
]
CODES_HEADER_FR = ("feuille", "colonne", "code", "signification")
