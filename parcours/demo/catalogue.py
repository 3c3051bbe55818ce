"""The workshop catalogue of the seed presentation (its two tables), as the CPAS wrote it."""

from parcours.core.domains import Domain as D
from parcours.workshops.enums import Axis

SEED_WORKSHOPS = [
    (
        "Atelier citoyen",
        Axis.EDUCATIONAL,
        "Encourager l'émancipation et la participation sociale, informer sur le système "
        "social, institutionnel et politique belge.",
        [D.ADMINISTRATIVE, D.SOCIAL_CULTURAL, D.EMPLOYMENT_TRAINING],
    ),
    (
        "Atelier consom'action",
        Axis.EDUCATIONAL,
        "Sensibiliser à la consommation responsable et écologique.",
        [D.HOUSING, D.FINANCIAL, D.ADMINISTRATIVE, D.FAMILY],
    ),
    (
        "Atelier santé",
        Axis.EDUCATIONAL,
        "Prévenir et promouvoir la santé au sens large (bien-être mental et physique).",
        [D.HEALTH, D.FINANCIAL, D.SOCIAL_CULTURAL, D.FAMILY, D.HOUSING],
    ),
    (
        "Ateliers conversation, pourparlers et mots croisés",
        Axis.EDUCATIONAL,
        "Favoriser l'expression orale et l'appropriation de vocabulaire.",
        [D.SOCIAL_CULTURAL, D.ADMINISTRATIVE],
    ),
    (
        "Ateliers projet et orientation",
        Axis.EDUCATIONAL,
        "Développer l'aptitude à définir et porter un projet.",
        [D.EMPLOYMENT_TRAINING, D.SOCIAL_CULTURAL],
    ),
    (
        "Atelier d'initiation à l'informatique",
        Axis.EDUCATIONAL,
        "S'initier aux TIC afin de favoriser l'intégration sociale des participants.",
        [D.SOCIAL_CULTURAL, D.ADMINISTRATIVE, D.EMPLOYMENT_TRAINING],
    ),
    (
        "Atelier prélude et convivialité",
        Axis.EDUCATIONAL,
        "Temps d'évaluation collective autour des aspects organisationnels et relationnels "
        "du groupe et des ateliers.",
        [D.SOCIAL_CULTURAL, D.EMPLOYMENT_TRAINING],
    ),
    (
        "Activités culturelles",
        Axis.CULTURAL,
        "Initiation à la culture sous ses différentes formes.",
        [D.SOCIAL_CULTURAL, D.HEALTH, D.FAMILY],
    ),
    (
        "Ateliers créatifs et artistiques",
        Axis.CULTURAL,
        "Initier aux arts plastiques et stimuler la créativité, la participation, "
        "l'épanouissement et la revalorisation.",
        [D.SOCIAL_CULTURAL, D.HEALTH],
    ),
    (
        "Atelier vélo",
        Axis.CULTURAL,
        "Initier à la pratique d'exercices physiques et promouvoir la santé et l'égalité "
        "des chances.",
        [D.HEALTH, D.SOCIAL_CULTURAL],
    ),
    (
        "Ateliers photo et vidéo",
        Axis.CULTURAL,
        "Initier aux médias, à l'analyse critique de l'image et à la dynamique d'apprentissage.",
        [D.SOCIAL_CULTURAL, D.EMPLOYMENT_TRAINING],
    ),
    (
        "Atelier couture",
        Axis.CULTURAL,
        "Acquisition de compétences techniques, sensibilisation au recyclage et "
        "développement de la créativité.",
        [D.SOCIAL_CULTURAL],
    ),
    (
        "Ateliers conte, impro et jeux de société",
        Axis.CULTURAL,
        "Favoriser la réflexion, la prise de parole, les échanges et l'apprentissage du "
        "français par un biais ludique.",
        [D.SOCIAL_CULTURAL, D.FAMILY],
    ),
]
