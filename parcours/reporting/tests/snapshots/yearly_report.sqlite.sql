-- 1
SELECT MIN("programme_enrolment"."start_date") AS "first"
  FROM "programme_enrolment"
 INNER JOIN "programme_group"
    ON ("programme_enrolment"."group_id" = "programme_group"."id")
 WHERE ("programme_group"."organisation_id" = <organisation> AND "programme_enrolment"."start_date" <= '2016-12-31');

-- 2
SELECT MIN("workshops_session"."date") AS "first"
  FROM "workshops_session"
 WHERE ("workshops_session"."cancelled" = 0 AND "workshops_session"."date" <= '2016-12-31' AND "workshops_session"."organisation_id" = <organisation>);

-- 3
SELECT "funding_hourssummary"."month" AS "month",
       SUM("funding_hourssummary"."minutes") FILTER (WHERE 1) AS "total",
       SUM("funding_hourssummary"."minutes") FILTER (WHERE "funding_hourssummary"."provider_kind" = 'team') AS "team",
       SUM("funding_hourssummary"."minutes") FILTER (WHERE "funding_hourssummary"."provider_kind" = 'subcontractor') AS "subcontractor",
       SUM("funding_hourssummary"."minutes") FILTER (WHERE "funding_hourssummary"."provider_kind" = 'partner') AS "partner",
       SUM("funding_hourssummary"."minutes") FILTER (WHERE "workshops_workshop"."axis" = 'educational') AS "educational",
       SUM("funding_hourssummary"."minutes") FILTER (WHERE "workshops_workshop"."axis" = 'cultural') AS "cultural"
  FROM "funding_hourssummary"
 INNER JOIN "workshops_workshop"
    ON ("funding_hourssummary"."workshop_id" = "workshops_workshop"."id")
 WHERE ("funding_hourssummary"."month" >= '2012-01-01' AND "funding_hourssummary"."month" <= '2016-12-31' AND "funding_hourssummary"."organisation_id" = <organisation> AND "funding_hourssummary"."grant_id" IS NULL)
 GROUP BY 1;

-- 4
SELECT COUNT("__col1") FILTER (WHERE "in_period" = 1),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND "__col2" = 'M')),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND "__col2" = 'F')),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND "__col2" = 'X')),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND NOT ("__col3" = '') AND NOT ("__col3" IN ('AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GB', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK')))),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND ("__col4" IN ('none', 'primary', 'lower_secondary') OR "__col5" IN ('no', 'pending')))),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND ("__col6" = 1 OR ("__col7" IS NOT NULL AND "ref_key" >= ((((django_date_extract('year', "__col7") * 10000) + (django_date_extract('month', "__col7") * 100)) + django_date_extract('day', "__col7")) + 20000))))),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND "__col8" IN ('very_weak', 'weak', 'medium'))),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND "__col9" = 'fle')),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND "__col9" = 'literacy')),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND "__col3" = '')),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND "__col4" = '' AND "__col5" = '')),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND "__col7" IS NULL AND "__col6" = 0)),
       COUNT("__col1") FILTER (WHERE ("in_period" = 1 AND "__col8" = '')),
       SUM("in_2012"),
       SUM("in_2013"),
       SUM("in_2014"),
       SUM("in_2015"),
       SUM("in_2016"),
       SUM(((django_date_extract('year', "reference_date") - django_date_extract('year', "__col10")) - CASE WHEN ((django_date_extract('month', "__col10") * 100) + django_date_extract('day', "__col10")) > ((django_date_extract('month', "reference_date") * 100) + django_date_extract('day', "reference_date")) THEN 1 ELSE 0 END)) FILTER (WHERE "in_period" = 1)
  FROM (
        SELECT MAX(CASE WHEN ("programme_enrolment"."start_date" <= '2012-12-31' AND ("programme_enrolment"."exit_date" IS NULL OR "programme_enrolment"."exit_date" >= '2012-01-01')) THEN 1 ELSE 0 END) AS "in_2012",
               MAX(CASE WHEN ("programme_enrolment"."start_date" <= '2013-12-31' AND ("programme_enrolment"."exit_date" IS NULL OR "programme_enrolment"."exit_date" >= '2013-01-01')) THEN 1 ELSE 0 END) AS "in_2013",
               MAX(CASE WHEN ("programme_enrolment"."start_date" <= '2014-12-31' AND ("programme_enrolment"."exit_date" IS NULL OR "programme_enrolment"."exit_date" >= '2014-01-01')) THEN 1 ELSE 0 END) AS "in_2014",
               MAX(CASE WHEN ("programme_enrolment"."start_date" <= '2015-12-31' AND ("programme_enrolment"."exit_date" IS NULL OR "programme_enrolment"."exit_date" >= '2015-01-01')) THEN 1 ELSE 0 END) AS "in_2015",
               MAX(CASE WHEN ("programme_enrolment"."start_date" <= '2016-12-31' AND ("programme_enrolment"."exit_date" IS NULL OR "programme_enrolment"."exit_date" >= '2016-01-01')) THEN 1 ELSE 0 END) AS "in_2016",
               MAX(CASE WHEN ("programme_enrolment"."start_date" <= '2016-12-31' AND ("programme_enrolment"."exit_date" IS NULL OR "programme_enrolment"."exit_date" >= '2016-01-01')) THEN 1 ELSE 0 END) AS "in_period",
               MIN(CASE WHEN ("programme_enrolment"."start_date" <= '2016-12-31' AND ("programme_enrolment"."exit_date" IS NULL OR "programme_enrolment"."exit_date" >= '2016-01-01')) THEN "programme_enrolment"."start_date" ELSE NULL END) AS "reference_date",
               (((django_date_extract('year', MIN(CASE WHEN ("programme_enrolment"."start_date" <= '2016-12-31' AND ("programme_enrolment"."exit_date" IS NULL OR "programme_enrolment"."exit_date" >= '2016-01-01')) THEN "programme_enrolment"."start_date" ELSE NULL END)) * 10000) + (django_date_extract('month', MIN(CASE WHEN ("programme_enrolment"."start_date" <= '2016-12-31' AND ("programme_enrolment"."exit_date" IS NULL OR "programme_enrolment"."exit_date" >= '2016-01-01')) THEN "programme_enrolment"."start_date" ELSE NULL END)) * 100)) + django_date_extract('day', MIN(CASE WHEN ("programme_enrolment"."start_date" <= '2016-12-31' AND ("programme_enrolment"."exit_date" IS NULL OR "programme_enrolment"."exit_date" >= '2016-01-01')) THEN "programme_enrolment"."start_date" ELSE NULL END))) AS "ref_key",
               "participants_participant"."id" AS "__col1",
               "participants_participant"."gender" AS "__col2",
               "participants_participant"."birth_country" AS "__col3",
               "participants_participant"."qualification_level" AS "__col4",
               "participants_participant"."qualification_recognised" AS "__col5",
               "participants_participant"."never_worked" AS "__col6",
               "participants_participant"."inactive_since" AS "__col7",
               "participants_participant"."french_level" AS "__col8",
               "participants_participant"."language_course" AS "__col9",
               "participants_participant"."birth_date" AS "__col10"
          FROM "participants_participant"
          LEFT OUTER JOIN "programme_enrolment"
            ON ("participants_participant"."id" = "programme_enrolment"."participant_id")
          LEFT OUTER JOIN "programme_group"
            ON ("programme_enrolment"."group_id" = "programme_group"."id")
         WHERE ("programme_group"."organisation_id" = <organisation> AND "programme_enrolment"."start_date" <= '2016-12-31' AND "participants_participant"."organisation_id" = <organisation>)
         GROUP BY 9,
                  10,
                  11,
                  12,
                  13,
                  14,
                  15,
                  16,
                  17,
                  18
       ) subquery;

-- 5
SELECT COUNT("programme_enrolment"."id") AS "exits",
       COUNT("programme_enrolment"."id") FILTER (WHERE "programme_enrolment"."outcome" = 'dropout') AS "dropout",
       COUNT("programme_enrolment"."id") FILTER (WHERE "programme_enrolment"."outcome" = 'extension') AS "extension",
       COUNT("programme_enrolment"."id") FILTER (WHERE "programme_enrolment"."outcome" = 'social_project') AS "social_project",
       COUNT("programme_enrolment"."id") FILTER (WHERE "programme_enrolment"."outcome" = 'professional_project') AS "professional_project",
       COUNT("programme_enrolment"."id") FILTER (WHERE ("programme_enrolment"."outcome" = 'dropout' AND "programme_enrolment"."outcome_detail" = 'health')) AS "reason_health",
       COUNT("programme_enrolment"."id") FILTER (WHERE ("programme_enrolment"."outcome" = 'dropout' AND "programme_enrolment"."outcome_detail" = 'moving')) AS "reason_moving",
       COUNT("programme_enrolment"."id") FILTER (WHERE (("programme_enrolment"."outcome" = 'dropout' AND "programme_enrolment"."outcome_detail" = 'other') OR ("programme_enrolment"."outcome" = 'dropout' AND "programme_enrolment"."outcome_detail" = ''))) AS "reason_other"
  FROM "programme_enrolment"
 INNER JOIN "programme_group"
    ON ("programme_enrolment"."group_id" = "programme_group"."id")
 WHERE ("programme_enrolment"."exit_date" >= '2016-01-01' AND "programme_enrolment"."exit_date" <= '2016-12-31' AND "programme_group"."organisation_id" = <organisation>);

-- 6
SELECT COUNT("__col1") FILTER (WHERE ("end_administrative" IS NOT NULL AND "entry_administrative" IS NOT NULL)),
       COUNT("__col1") FILTER (WHERE ("end_administrative" IS NOT NULL AND "entry_administrative" IS NOT NULL AND "end_administrative" > ("entry_administrative"))),
       COUNT("__col1") FILTER (WHERE ("end_administrative" IS NOT NULL AND "entry_administrative" IS NOT NULL AND "end_administrative" < ("entry_administrative"))),
       COUNT("__col1") FILTER (WHERE ("end_family" IS NOT NULL AND "entry_family" IS NOT NULL)),
       COUNT("__col1") FILTER (WHERE ("end_family" IS NOT NULL AND "entry_family" IS NOT NULL AND "end_family" > ("entry_family"))),
       COUNT("__col1") FILTER (WHERE ("end_family" IS NOT NULL AND "entry_family" IS NOT NULL AND "end_family" < ("entry_family"))),
       COUNT("__col1") FILTER (WHERE ("end_social_cultural" IS NOT NULL AND "entry_social_cultural" IS NOT NULL)),
       COUNT("__col1") FILTER (WHERE ("end_social_cultural" IS NOT NULL AND "entry_social_cultural" IS NOT NULL AND "end_social_cultural" > ("entry_social_cultural"))),
       COUNT("__col1") FILTER (WHERE ("end_social_cultural" IS NOT NULL AND "entry_social_cultural" IS NOT NULL AND "end_social_cultural" < ("entry_social_cultural"))),
       COUNT("__col1") FILTER (WHERE ("end_housing" IS NOT NULL AND "entry_housing" IS NOT NULL)),
       COUNT("__col1") FILTER (WHERE ("end_housing" IS NOT NULL AND "entry_housing" IS NOT NULL AND "end_housing" > ("entry_housing"))),
       COUNT("__col1") FILTER (WHERE ("end_housing" IS NOT NULL AND "entry_housing" IS NOT NULL AND "end_housing" < ("entry_housing"))),
       COUNT("__col1") FILTER (WHERE ("end_financial" IS NOT NULL AND "entry_financial" IS NOT NULL)),
       COUNT("__col1") FILTER (WHERE ("end_financial" IS NOT NULL AND "entry_financial" IS NOT NULL AND "end_financial" > ("entry_financial"))),
       COUNT("__col1") FILTER (WHERE ("end_financial" IS NOT NULL AND "entry_financial" IS NOT NULL AND "end_financial" < ("entry_financial"))),
       COUNT("__col1") FILTER (WHERE ("end_health" IS NOT NULL AND "entry_health" IS NOT NULL)),
       COUNT("__col1") FILTER (WHERE ("end_health" IS NOT NULL AND "entry_health" IS NOT NULL AND "end_health" > ("entry_health"))),
       COUNT("__col1") FILTER (WHERE ("end_health" IS NOT NULL AND "entry_health" IS NOT NULL AND "end_health" < ("entry_health"))),
       COUNT("__col1") FILTER (WHERE ("end_employment_training" IS NOT NULL AND "entry_employment_training" IS NOT NULL)),
       COUNT("__col1") FILTER (WHERE ("end_employment_training" IS NOT NULL AND "entry_employment_training" IS NOT NULL AND "end_employment_training" > ("entry_employment_training"))),
       COUNT("__col1") FILTER (WHERE ("end_employment_training" IS NOT NULL AND "entry_employment_training" IS NOT NULL AND "end_employment_training" < ("entry_employment_training")))
  FROM (
        SELECT "assessments_assessment"."enrolment_id" AS "assessment__enrolment",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'entry' AND "assessments_domainrating"."domain" = 'administrative')) AS "entry_administrative",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'end' AND "assessments_domainrating"."domain" = 'administrative')) AS "end_administrative",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'entry' AND "assessments_domainrating"."domain" = 'family')) AS "entry_family",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'end' AND "assessments_domainrating"."domain" = 'family')) AS "end_family",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'entry' AND "assessments_domainrating"."domain" = 'social_cultural')) AS "entry_social_cultural",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'end' AND "assessments_domainrating"."domain" = 'social_cultural')) AS "end_social_cultural",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'entry' AND "assessments_domainrating"."domain" = 'housing')) AS "entry_housing",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'end' AND "assessments_domainrating"."domain" = 'housing')) AS "end_housing",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'entry' AND "assessments_domainrating"."domain" = 'financial')) AS "entry_financial",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'end' AND "assessments_domainrating"."domain" = 'financial')) AS "end_financial",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'entry' AND "assessments_domainrating"."domain" = 'health')) AS "entry_health",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'end' AND "assessments_domainrating"."domain" = 'health')) AS "end_health",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'entry' AND "assessments_domainrating"."domain" = 'employment_training')) AS "entry_employment_training",
               MAX("assessments_domainrating"."rating") FILTER (WHERE ("assessments_assessment"."moment" = 'end' AND "assessments_domainrating"."domain" = 'employment_training')) AS "end_employment_training",
               "assessments_assessment"."enrolment_id" AS "__col1"
          FROM "assessments_domainrating"
         INNER JOIN "assessments_assessment"
            ON ("assessments_domainrating"."assessment_id" = "assessments_assessment"."id")
         WHERE ("assessments_assessment"."date" <= '2016-12-31' AND "assessments_assessment"."enrolment_id" IN (SELECT "U0"."id" FROM "programme_enrolment" "U0" INNER JOIN "programme_group" "U1" ON ("U0"."group_id" = "U1"."id") WHERE ("U0"."exit_date" >= '2016-01-01' AND "U0"."exit_date" <= '2016-12-31' AND "U1"."organisation_id" = <organisation> AND NOT ("U0"."outcome" = 'dropout'))) AND "assessments_assessment"."moment" IN ('entry', 'end') AND "assessments_domainrating"."rating" IS NOT NULL)
         GROUP BY 16
       ) subquery;

-- 7
SELECT COUNT(DISTINCT "projects_project"."id") FILTER (WHERE ("projects_projectversion"."number" = 1 AND "projects_projectversion"."signed_on" >= '2016-01-01' AND "projects_projectversion"."signed_on" <= '2016-12-31')) AS "signed",
       COUNT(DISTINCT "projects_evaluation"."id") FILTER (WHERE ("projects_evaluation"."date" >= '2016-01-01' AND "projects_evaluation"."date" <= '2016-12-31')) AS "evaluations_held"
  FROM "projects_project"
  LEFT OUTER JOIN "projects_projectversion"
    ON ("projects_project"."id" = "projects_projectversion"."project_id")
  LEFT OUTER JOIN "projects_evaluation"
    ON ("projects_project"."id" = "projects_evaluation"."project_id")
 WHERE "projects_project"."enrolment_id" IN (
        SELECT "U0"."id"
          FROM "programme_enrolment" "U0"
         INNER JOIN "programme_group" "U1"
            ON ("U0"."group_id" = "U1"."id")
         WHERE "U1"."organisation_id" = <organisation>
       );

-- 8
SELECT "workshops_workshopdomain"."domain" AS "workshop__domains__domain",
       SUM("funding_hourssummary"."minutes") AS "minutes_sum"
  FROM "funding_hourssummary"
 INNER JOIN "workshops_workshop"
    ON ("funding_hourssummary"."workshop_id" = "workshops_workshop"."id")
 INNER JOIN "workshops_workshopdomain"
    ON ("workshops_workshop"."id" = "workshops_workshopdomain"."workshop_id")
 WHERE ("funding_hourssummary"."month" >= '2016-01-01' AND "funding_hourssummary"."month" <= '2016-12-31' AND "funding_hourssummary"."organisation_id" = <organisation> AND "funding_hourssummary"."grant_id" IS NULL AND "workshops_workshopdomain"."id" IS NOT NULL)
 GROUP BY 1;

-- 9
SELECT record.quarter,
       SUM(record.minutes),
       COUNT(*),
       COUNT(*) - COUNT(record.minutes)
  FROM (
        SELECT "participants_intervention"."participant_id" AS "person",
               ((django_date_extract('year', "participants_intervention"."date") * 10) + django_date_extract('quarter', "participants_intervention"."date")) AS "quarter",
               "participants_intervention"."duration_minutes" AS "minutes"
          FROM "participants_intervention"
         INNER JOIN "participants_participant"
            ON ("participants_intervention"."participant_id" = "participants_participant"."id")
         WHERE ("participants_intervention"."date" >= '2016-01-01' AND "participants_intervention"."date" <= '2016-12-31' AND "participants_participant"."organisation_id" = <organisation>)
     UNION ALL SELECT "programme_enrolment"."participant_id" AS "person",
               ((django_date_extract('year', "assessments_assessment"."date") * 10) + django_date_extract('quarter', "assessments_assessment"."date")) AS "quarter",
               "assessments_assessment"."duration_minutes" AS "minutes"
          FROM "assessments_assessment"
         INNER JOIN "programme_enrolment"
            ON ("assessments_assessment"."enrolment_id" = "programme_enrolment"."id")
         INNER JOIN "participants_participant"
            ON ("programme_enrolment"."participant_id" = "participants_participant"."id")
         WHERE ("assessments_assessment"."date" >= '2016-01-01' AND "assessments_assessment"."date" <= '2016-12-31' AND "participants_participant"."organisation_id" = <organisation>)
     UNION ALL SELECT "participants_literacytest"."participant_id" AS "person",
               ((django_date_extract('year', "participants_literacytest"."date") * 10) + django_date_extract('quarter', "participants_literacytest"."date")) AS "quarter",
               "participants_literacytest"."duration_minutes" AS "minutes"
          FROM "participants_literacytest"
         INNER JOIN "participants_participant"
            ON ("participants_literacytest"."participant_id" = "participants_participant"."id")
         WHERE ("participants_literacytest"."date" >= '2016-01-01' AND "participants_literacytest"."date" <= '2016-12-31' AND "participants_participant"."organisation_id" = <organisation>)
       ) record
 WHERE record.person IN (
        SELECT "participants_participant"."id" AS "pk"
          FROM "participants_participant"
         WHERE ("participants_participant"."organisation_id" = <organisation> AND EXISTS(SELECT 1 AS "a" FROM "programme_enrolment" "U0" INNER JOIN "programme_group" "U1" ON ("U0"."group_id" = "U1"."id") WHERE ("U1"."organisation_id" = <organisation> AND "U0"."start_date" <= '2016-12-31' AND ("U0"."exit_date" IS NULL OR "U0"."exit_date" >= '2016-01-01') AND "U0"."participant_id" = ("participants_participant"."id")) LIMIT 1))
       )
 GROUP BY record.quarter;
