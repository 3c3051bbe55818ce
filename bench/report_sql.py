"""The lower bound of the yearly report: the same figures by hand-written SQL, one query
per figure group, on PostgreSQL and SQLite (only the date arithmetic differs).

``hand_figures`` returns the figures in the shape of ``yearly_figures`` (statistics.md)
so that the benchmark can check that both give the same numbers before comparing their
times: a bound that computed something else would prove nothing.

The sessions' lengths are read from their stored column (``duration_minutes``), as the
report does: a bound computing them from the times would measure work the report no
longer does. The bound does not read the report's hours summary: it sums the sessions.
"""

import datetime
import time
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

# Kept here on purpose (not imported from the report): the bound is an independent
# implementation of statistics.md.
EU = {
    "BE": (1958, None), "DE": (1958, None), "FR": (1958, None), "IT": (1958, None),
    "LU": (1958, None), "NL": (1958, None), "DK": (1973, None), "IE": (1973, None),
    "GB": (1973, 2019), "GR": (1981, None), "ES": (1986, None), "PT": (1986, None),
    "AT": (1995, None), "FI": (1995, None), "SE": (1995, None), "CY": (2004, None),
    "CZ": (2004, None), "EE": (2004, None), "HU": (2004, None), "LT": (2004, None),
    "LV": (2004, None), "MT": (2004, None), "PL": (2004, None), "SI": (2004, None),
    "SK": (2004, None), "BG": (2007, None), "RO": (2007, None), "HR": (2013, None),
}  # fmt: skip
DOMAINS = [
    "administrative", "family", "social_cultural", "housing", "financial", "health",
    "employment_training",
]  # fmt: skip
HOURS = ("total", "team", "subcontractor", "partner", "educational", "cultural")


def _pct(count, total):
    if not total:
        return None
    return float((Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _dialect():
    if connection.vendor == "postgresql":
        return {
            "ymd": "to_char({0}, 'YYYYMMDD')::int",
            "y": "EXTRACT(YEAR FROM {0})::int",
            "md": "to_char({0}, 'MMDD')",
            "minutes": "{0}.duration_minutes",
            "jan1": "make_date({0}, 1, 1)",
            "dec31": "make_date({0}, 12, 31)",
            "least": "LEAST",
        }
    return {
        "ymd": "CAST(strftime('%%Y%%m%%d', {0}) AS INTEGER)",
        "y": "CAST(strftime('%%Y', {0}) AS INTEGER)",
        "md": "strftime('%%m%%d', {0})",
        "minutes": "{0}.duration_minutes",
        "jan1": "printf('%%04d-01-01', {0})",
        "dec31": "printf('%%04d-12-31', {0})",
        "least": "MIN",
    }


def _one(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def q_characteristics(org, first, last, year):
    d = _dialect()
    eu = [code for code, (joined, left) in EU.items() if joined <= year <= (left or 9999)]
    marks = ", ".join(["%s"] * len(eu))
    sql = f"""
        WITH active AS (
            SELECT e.participant_id, MIN(e.start_date) AS ref
            FROM programme_enrolment e JOIN programme_group g ON g.id = e.group_id
            WHERE g.organisation_id = %s AND e.start_date <= %s
              AND (e.exit_date IS NULL OR e.exit_date >= %s)
            GROUP BY e.participant_id
        )
        SELECT COUNT(*),
            SUM(CASE WHEN p.gender = 'M' THEN 1 ELSE 0 END),
            SUM(CASE WHEN p.gender = 'F' THEN 1 ELSE 0 END),
            SUM(CASE WHEN p.gender = 'X' THEN 1 ELSE 0 END),
            SUM({d["y"].format("a.ref")} - {d["y"].format("p.birth_date")}
                - CASE WHEN {d["md"].format("a.ref")} < {d["md"].format("p.birth_date")}
                  THEN 1 ELSE 0 END),
            SUM(CASE WHEN p.birth_country <> '' AND p.birth_country NOT IN ({marks})
                THEN 1 ELSE 0 END),
            SUM(CASE WHEN p.qualification_level IN ('none', 'primary', 'lower_secondary')
                  OR p.qualification_recognised IN ('no', 'pending') THEN 1 ELSE 0 END),
            SUM(CASE WHEN p.never_worked OR (p.inactive_since IS NOT NULL
                  AND {d["ymd"].format("p.inactive_since")} <= {d["ymd"].format("a.ref")} - 20000)
                THEN 1 ELSE 0 END),
            SUM(CASE WHEN p.french_level IN ('very_weak', 'weak', 'medium') THEN 1 ELSE 0 END),
            SUM(CASE WHEN p.language_course = 'fle' THEN 1 ELSE 0 END),
            SUM(CASE WHEN p.language_course = 'literacy' THEN 1 ELSE 0 END)
        FROM active a JOIN participants_participant p ON p.id = a.participant_id
        WHERE p.organisation_id = %s
    """
    return _one(sql, [org, last, first, *eu, org])[0]


def q_results(org, first, last):
    sql = """
        SELECT COUNT(*),
            SUM(CASE WHEN e.outcome = 'dropout' THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.outcome = 'extension' THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.outcome = 'social_project' THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.outcome = 'professional_project' THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.outcome = 'dropout' AND e.outcome_detail = 'health' THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.outcome = 'dropout' AND e.outcome_detail = 'moving' THEN 1 ELSE 0 END),
            SUM(CASE WHEN e.outcome = 'dropout' AND e.outcome_detail NOT IN ('health', 'moving')
                THEN 1 ELSE 0 END)
        FROM programme_enrolment e JOIN programme_group g ON g.id = e.group_id
        WHERE g.organisation_id = %s AND e.exit_date >= %s AND e.exit_date <= %s
    """
    return _one(sql, [org, first, last])[0]


def q_improvement(org, first, last, as_of):
    sql = """
        SELECT re.domain, COUNT(*),
            SUM(CASE WHEN rn.rating > re.rating THEN 1 ELSE 0 END),
            SUM(CASE WHEN rn.rating < re.rating THEN 1 ELSE 0 END)
        FROM programme_enrolment e
        JOIN programme_group g ON g.id = e.group_id
        JOIN assessments_assessment ae
          ON ae.enrolment_id = e.id AND ae.moment = 'entry' AND ae.date <= %s
        JOIN assessments_domainrating re
          ON re.assessment_id = ae.id AND re.rating IS NOT NULL
        JOIN assessments_assessment an
          ON an.enrolment_id = e.id AND an.moment = 'end' AND an.date <= %s
        JOIN assessments_domainrating rn
          ON rn.assessment_id = an.id AND rn.domain = re.domain AND rn.rating IS NOT NULL
        WHERE g.organisation_id = %s AND e.exit_date >= %s AND e.exit_date <= %s
          AND e.outcome <> 'dropout'
        GROUP BY re.domain
    """
    return _one(sql, [as_of, as_of, org, first, last])


def _hours_columns(alias="s", axis="w.axis"):
    m = _dialect()["minutes"].format(alias)
    return f"""
        SUM({m}),
        SUM(CASE WHEN {alias}.provider_kind = 'team' THEN {m} ELSE 0 END),
        SUM(CASE WHEN {alias}.provider_kind = 'subcontractor' THEN {m} ELSE 0 END),
        SUM(CASE WHEN {alias}.provider_kind = 'partner' THEN {m} ELSE 0 END),
        SUM(CASE WHEN {axis} = 'educational' THEN {m} ELSE 0 END),
        SUM(CASE WHEN {axis} = 'cultural' THEN {m} ELSE 0 END)
    """


def q_hours(org, first, last):
    sql = f"""
        SELECT {_hours_columns()}
        FROM workshops_session s JOIN workshops_workshop w ON w.id = s.workshop_id
        WHERE s.organisation_id = %s AND s.cancelled = %s AND s.date >= %s AND s.date <= %s
    """
    return _one(sql, [org, False, first, last])[0]


def q_evolution(org, year, as_of, last):
    """Participants and hours of every year from the first with data to ``year``: the
    earlier years whole, ``year`` up to ``as_of``."""
    d = _dialect()
    y_session = d["y"].format("s.date")
    sql = f"""
        WITH RECURSIVE bounds AS (
            SELECT MIN(first_day) AS first_day FROM (
                SELECT MIN(e.start_date) AS first_day
                FROM programme_enrolment e JOIN programme_group g ON g.id = e.group_id
                WHERE g.organisation_id = %s AND e.start_date <= %s
                UNION ALL
                SELECT MIN(s.date) FROM workshops_session s
                WHERE s.organisation_id = %s AND s.cancelled = %s AND s.date <= %s
            ) AS firsts
        ),
        years(y) AS (
            SELECT COALESCE({d["least"]}({d["y"].format("first_day")}, %s), %s) FROM bounds
            UNION ALL SELECT y + 1 FROM years WHERE y < %s
        ),
        people AS (
            SELECT years.y, COUNT(DISTINCT e.participant_id) AS n
            FROM years
            JOIN programme_enrolment e ON e.start_date <= CASE WHEN years.y = %s THEN %s
                                                          ELSE {d["dec31"].format("years.y")} END
              AND (e.exit_date IS NULL OR e.exit_date >= {d["jan1"].format("years.y")})
            JOIN programme_group g ON g.id = e.group_id AND g.organisation_id = %s
            JOIN participants_participant p ON p.id = e.participant_id AND p.organisation_id = %s
            GROUP BY years.y
        ),
        hours AS (
            SELECT {y_session} AS y, {_hours_columns()}
            FROM workshops_session s JOIN workshops_workshop w ON w.id = s.workshop_id
            WHERE s.organisation_id = %s AND s.cancelled = %s AND s.date <= %s
            GROUP BY {y_session}
        )
        SELECT years.y, COALESCE(people.n, 0), hours.*
        FROM years LEFT JOIN people ON people.y = years.y LEFT JOIN hours ON hours.y = years.y
        ORDER BY years.y
    """
    params = [
        org,
        as_of,
        org,
        False,
        as_of,
        year,
        year,
        year,
        year,
        last,
        org,
        org,
        org,
        False,
        as_of,
    ]
    return _one(sql, params)


def q_projects(org, first, last):
    """Projects whose first version was signed in the period, evaluations dated in it, of
    the organisation's enrolments."""
    of_org = """
        JOIN projects_project p ON p.id = {0}.project_id
        JOIN programme_enrolment e ON e.id = p.enrolment_id
        JOIN programme_group g ON g.id = e.group_id AND g.organisation_id = %s
    """
    sql = f"""
        SELECT
            (SELECT COUNT(DISTINCT v.project_id) FROM projects_projectversion v
             {of_org.format("v")}
             WHERE v.number = 1 AND v.signed_on >= %s AND v.signed_on <= %s),
            (SELECT COUNT(*) FROM projects_evaluation ev
             {of_org.format("ev")}
             WHERE ev.date >= %s AND ev.date <= %s)
    """
    return _one(sql, [org, first, last, org, first, last])[0]


def _as_hours(values):
    return {key: round((value or 0) / 60, 2) for key, value in zip(HOURS, values, strict=True)}


def hand_figures(organisation, *, year: int, as_of: datetime.date, timings: dict | None = None):
    """The figures of statistics.md by hand-written SQL; ``timings`` receives the seconds
    of each query."""
    org = organisation.pk
    first, last = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of)
    timings = {} if timings is None else timings

    def timed(name, function, *args):
        started = time.perf_counter()
        result = function(*args)
        timings[name] = time.perf_counter() - started
        return result

    c = timed("characteristics", q_characteristics, org, first, last, year)
    n = c[0]
    average = None
    if n:
        average = float((Decimal(c[4]) / n).quantize(Decimal("0.1"), ROUND_HALF_UP))
    characteristics = {
        "men_pct": _pct(c[1], n), "women_pct": _pct(c[2], n), "x_pct": _pct(c[3], n),
        "average_age": average, "non_eu_pct": _pct(c[5], n),
        "no_qualification_pct": _pct(c[6], n), "inactive_24m_pct": _pct(c[7], n),
        "french_weak_to_medium_pct": _pct(c[8], n), "fle_pct": _pct(c[9], n),
        "literacy_pct": _pct(c[10], n),
    }  # fmt: skip
    r = timed("results", q_results, org, first, last)
    exits = r[0]
    results = {
        "exits": exits,
        "dropout_pct": _pct(r[1] or 0, exits),
        "extension_pct": _pct(r[2] or 0, exits),
        "social_project_pct": _pct(r[3] or 0, exits),
        "professional_project_pct": _pct(r[4] or 0, exits),
        "dropout_reasons": {"health": r[5] or 0, "moving": r[6] or 0, "other": r[7] or 0},
    }
    rows = {row[0]: row[1:] for row in timed("improvement", q_improvement, org, first, last, as_of)}
    improvement_n = {d: rows.get(d, (0, 0, 0))[0] for d in DOMAINS}
    improvement_pct = {d: _pct(rows.get(d, (0, 0, 0))[1], improvement_n[d]) for d in DOMAINS}
    deteriorated_pct = {d: _pct(rows.get(d, (0, 0, 0))[2], improvement_n[d]) for d in DOMAINS}
    hours = _as_hours(timed("hours", q_hours, org, first, last))
    signed, evaluations = timed("projects", q_projects, org, first, last)
    evolution = [
        {"year": row[0], "participants": row[1], "hours": _as_hours(row[3:9])}
        for row in timed("evolution", q_evolution, org, year, as_of, last)
    ]
    return {
        "organisation": organisation.slug,
        "year": year,
        "as_of": as_of.isoformat(),
        "participants": n,
        "characteristics": characteristics,
        "results": results,
        "improvement_pct": improvement_pct,
        "improvement_n": improvement_n,
        "deteriorated_pct": deteriorated_pct,
        "hours": hours,
        "evolution": evolution,
        "projects": {"signed": signed, "evaluations_held": evaluations},
    }
