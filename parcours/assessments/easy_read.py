"""The self-assessment's words, in easy-to-read language (docs/self-assessment.md).

Written to the rules of easy-to-read language: short sentences, everyday words, one idea
a sentence, the person speaking ("I…"). Each domain has a title, a question and one
sentence per rating, which the participant picks; the translators keep to the same rules
(French "vous", Dutch "je").
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parcours.core.domains import Domain

LEVELS = [5, 4, 3, 2, 1]
"""The order the answers are shown in: from "good" down to "very hard"."""

LEVEL_WORDS = {
    5: pgettext_lazy("self-assessment answer", "Good"),
    4: pgettext_lazy("self-assessment answer", "Quite good"),
    3: pgettext_lazy("self-assessment answer", "Not easy"),
    2: pgettext_lazy("self-assessment answer", "Hard"),
    1: pgettext_lazy("self-assessment answer", "Very hard"),
}


def lines_of(sentence) -> list[str]:
    """One idea a line: the sentences of an answer, each on a line of its own."""
    return re.split(r"(?<=[.!?])\s+", str(sentence).strip())


@dataclass(frozen=True)
class DomainWords:
    title: str
    question: str
    sentences: dict  # rating → the sentence the participant picks


WORDS = {
    Domain.ADMINISTRATIVE: DomainWords(
        title=_("My papers"),
        question=_("How are things with your papers?"),
        sentences={
            5: _("I do my papers without help."),
            4: _("I do most of my papers. Sometimes I ask for help."),
            3: _("I need help with some papers."),
            2: _("My papers are hard for me. I often need help."),
            1: _("My papers are a big problem. I need help now."),
        },
    ),
    Domain.FAMILY: DomainWords(
        title=_("My family"),
        question=_("How are things with your family?"),
        sentences={
            5: _("Things go well with my family."),
            4: _("Things go quite well with my family."),
            3: _("Sometimes there are problems in my family."),
            2: _("There are often problems in my family."),
            1: _("Things go very badly in my family. I need help."),
        },
    ),
    Domain.SOCIAL_CULTURAL: DomainWords(
        title=_("Going out, seeing people"),
        question=_("Do you go out and see people?"),
        sentences={
            5: _("I often go out. I see people I like."),
            4: _("I go out sometimes. I see a few people."),
            3: _("I do not go out much. I see few people."),
            2: _("I almost never go out. I see almost nobody."),
            1: _("I never go out. I have nobody to talk to."),
        },
    ),
    Domain.HOUSING: DomainWords(
        title=_("My home"),
        question=_("How are things with your home?"),
        sentences={
            5: _("I have a good home. I can pay for it."),
            4: _("My home is all right. There are small problems."),
            3: _("My home has problems. But I can live there."),
            2: _("My home is a big problem for me."),
            1: _("I have no home. Or I will lose it soon."),
        },
    ),
    Domain.FINANCIAL: DomainWords(
        title=_("My money"),
        question=_("How are things with your money?"),
        sentences={
            5: _("I look after my money without help."),
            4: _("I look after my money. The end of the month is sometimes hard."),
            3: _("I need help with my money."),
            2: _("I have debts. I cannot pay everything."),
            1: _("I have no money for food or for the rent."),
        },
    ),
    Domain.HEALTH: DomainWords(
        title=_("My health"),
        question=_("How do you feel?"),
        sentences={
            5: _("I feel well, in my body and in my head."),
            4: _("I feel quite well. I look after my health."),
            3: _("Sometimes I do not feel well."),
            2: _("I often feel ill or sad."),
            1: _("I feel very bad. I need care now."),
        },
    ),
    Domain.EMPLOYMENT_TRAINING: DomainWords(
        title=_("Work and learning"),
        question=_("Are you thinking about work or a training?"),
        sentences={
            5: _("I want to work or follow a training. I can start."),
            4: _("I know what I want to do. I need a little more time."),
            3: _("I want to learn or work later. I do not know what yet."),
            2: _("Work or a training is still far away for me."),
            1: _("I cannot think about work or a training now."),
        },
    ),
}
