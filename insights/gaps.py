"""The gap engine: the only code that turns ratings into figures.

Dashboards, CSV exports, computed key results and the PDF report all read from here, so a number
means the same thing everywhere. Figures over groups are read from the published figures
(insights.models, kept up to date by the worker in insights.publishing): a page reads a few rows
per figure, in a fixed number of queries whatever the size of the organisation, and never
computes or rebuilds anything. The privacy rules are applied here so no page or export can
forget them.

Rules
- The level used is the manager's agreed level where there is one, else the self-assessed level.
- Gap = max(target - level used, 0), with the target snapshotted on the rating.
- Only submitted and reviewed assessments count towards shares, gaps and distributions.
- Per skill, each person has one rating, so a skill figure is over people. Area, group and
  headline shares and mean gaps are over every rating (person and skill) they cover; their
  `people` is the number of different people those ratings come from.
- Completion is submitted (or reviewed) over everyone asked to take part: the cycle's
  assessments, made for every active person when it opens (and for joiners while it is open),
  each with the directorate, team, tier and role they had then.
- A figure over fewer than settings.SMALL_GROUP_THRESHOLD people is suppressed, and so is any
  figure another visible figure could be subtracted from to reveal fewer (privacy.py). A
  group's figure moves only when at least that many people in it have changed since it last
  moved; until then it is shown "as at" the time it was published (publishing.py).
- "Change" compares with the previous cycle, matching skills, areas and tiers by slug so that a
  change of framework version between cycles still lines up.

Modules
- types: the result types (Filters, Figure, SkillFigure, ...) and small-group suppression.
- queries: the cycles compared, filters on people and assessments, the ratings that count.
- aggregation: sums per group, from the published figures or (for named people) the ratings.
- published: reading the published rows at the grain a figure needs.
- reading: what one `one_reading()` block reads once (cycles, levels, skills, areas, rows).
- publishing, tasks: keeping the published figures up to date, in the worker; rebuilding them.
- figures: the figures pages, exports and key results ask for.
- people: a line manager's reports, one by one, and figures over them (shown however few).
- privacy: the rules that hide figures (small groups, differencing, complementary suppression).
"""

from assessments.ratings import COUNTED, PersonRating, PersonRow, people_ratings
from insights.completion import CompletionRow, completion_by_group
from insights.figures import (
    area_figures,
    biggest_gaps_by_tier,
    group_area_figures,
    headline,
    measure_value,
    skill_figure,
    skill_figures,
)
from insights.people import ReportsFigure, reports_figures
from insights.queries import counted_ratings, latest_cycle, previous_cycle
from insights.reading import one_reading
from insights.types import (
    NO_DATA,
    AreaFigure,
    Figure,
    Filters,
    GroupFigure,
    Measure,
    SkillFigure,
    earliest_as_at,
    figure,
    suppressed_text,
    threshold,
)

__all__ = [
    "CompletionRow",
    "completion_by_group",
    "COUNTED",
    "NO_DATA",
    "AreaFigure",
    "Figure",
    "Filters",
    "GroupFigure",
    "Measure",
    "PersonRating",
    "PersonRow",
    "SkillFigure",
    "area_figures",
    "biggest_gaps_by_tier",
    "counted_ratings",
    "earliest_as_at",
    "figure",
    "group_area_figures",
    "headline",
    "latest_cycle",
    "measure_value",
    "one_reading",
    "people_ratings",
    "reports_figures",
    "ReportsFigure",
    "previous_cycle",
    "skill_figure",
    "skill_figures",
    "suppressed_text",
    "threshold",
]
