"""The privacy rules every figure goes through, in one place (explained to users on the page
"How your answers are protected", templates/pages/privacy_of_answers.html).

1. Small groups: no figure, count or distribution about fewer than SMALL_GROUP_THRESHOLD (k)
   people.
2. Differencing a filter: a figure for a group G is also hidden when some larger group P that G
   refines (G with its directorate, team, tier or role filter dropped, alone or together) has a
   figure that differs from G's by 1 to k - 1 people: P minus G would be about those few.
3. Differencing siblings (complementary suppression): when a group is split into parts (the
   directorates of the organisation, the teams of a directorate, the tiers, the roles of a
   tier), the hidden parts together, with the people in no part, must cover 0 or at least k
   people. If they cover 1 to k - 1, the smallest part still shown is hidden too, so the whole
   minus the parts shown never reveals a small group.

   A part of a hidden whole is hidden too, so that the whole's shown parts never add up to it
   (a directorate hidden to protect its sibling, with all its teams shown).
4. The same people, the narrowest group: a group whose people all happen to be in one
   directorate, team, tier or role is also checked by rule 2 as that narrower group, since it
   is contained in everything that contains the narrower one.
5. Over time (insights.publishing): a group's figures move only when at least k different people
   in it have changed since they last moved; until then they are shown "as at" that time.
   Completion counts stay live (they say who took part, not what anyone answered).
6. What the reader already knows (insights.viewer): a reader who sees some people's own answers
   (their own, their direct reports', a head of digital's people with no line manager) could
   take them away from a figure. Rules 1 to 4 count, for that reader, only the people whose
   answers they cannot see: a figure whose other people number 1 to k - 1 is hidden from them.
   A report many people may download is protected for everyone who may.

The engine applies rules 2 to 4 to every figure of every group, whichever page, export, key
result or report asks for it, so two figures anyone can see never differ by fewer than k people
through one refinement or one split. The rules compare the people behind each figure (for a skill,
the people rated on it), per skill, area or completion figure separately. A known limit: three or
more figures from different splits (two roles, a team and a directorate's tier, say) can in rare
shapes still be subtracted to a small group; the enumeration test shows one such shape.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from django.conf import settings

Key = TypeVar("Key", bound=Hashable)


def threshold() -> int:
    return settings.SMALL_GROUP_THRESHOLD


def is_small(people: int) -> bool:
    """Rule 1: a group of 1 to k - 1 people (an empty group reveals nobody)."""
    return 0 < people < threshold()


def differs_by_a_few(larger: int, smaller: int) -> bool:
    """Rule 2: the larger figure minus the smaller would be about 1 to k - 1 people."""
    return is_small(larger - smaller)


def parts_to_hide(whole: int, parts: Mapping[Key, int]) -> set[Key]:
    """Rule 3: which parts of `whole` (people per part) to hide. Parts of 1 to k - 1 people are
    hidden; the people of the whole in no part count as hidden. When the hidden people number
    1 to k - 1, the smallest part still shown is hidden as well (the same choice whichever page
    asks, as it depends only on the counts; ties go to the lowest key's string)."""
    hidden = {key for key, people in parts.items() if is_small(people)}
    outside = max(whole - sum(parts.values()), 0)
    hidden_people = outside + sum(parts[key] for key in hidden)
    if is_small(hidden_people):
        shown = sorted(
            (people, str(key), key)
            for key, people in parts.items()
            if key not in hidden and people > 0
        )
        if shown:
            hidden.add(shown[0][2])
    return hidden
