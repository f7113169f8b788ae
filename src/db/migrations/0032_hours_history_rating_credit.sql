-- The outside check of issue 19, faults 3 and 2. Data only; no table changes.
--
-- 3. The working hours in force before each edit (src/commands/workingHours.ts EARLIER_HOURS_KEY), taken from the
--    edits' events, so a wait that began before an edit keeps its past under the hours then in force (core/workingHours
--    CalendarHistory). Each event's `before` held until the event's `at`.
INSERT INTO "settings" ("key", "value")
SELECT 'working_hours_earlier',
       jsonb_agg(jsonb_build_object('until', to_char("at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'hours', coalesce("before", '{}'::jsonb)) ORDER BY "at", "id")
  FROM "events"
 WHERE "name" = 'settings.working_hours_updated'
HAVING count(*) > 0
ON CONFLICT ("key") DO NOTHING;--> statement-breakpoint
-- 2. A rating of a dialog nobody owned counts for the manager of ours who answered the client last before it was asked,
--    else for the one of ours who created the request (src/commands/rateRequest.ts creditedManager, the same rule).
UPDATE "request_ratings" r
   SET "owner_user_id" = coalesce(
         (SELECT u."id"
            FROM "messages" m
            JOIN "users" u ON (m."author_user_id" IS NOT NULL AND u."id" = m."author_user_id") OR (m."author_user_id" IS NULL AND u."telegram_user_id" = m."author_telegram_id")
            JOIN "organizations" o ON o."id" = u."organization_id" AND o."is_ours"
           WHERE m."dialog_id" = r."dialog_id" AND m."direction" = 'out' AND m."sent_at" <= r."asked_at" AND u."role" IN ('manager', 'admin')
           ORDER BY m."seq" DESC
           LIMIT 1),
         (SELECT u."id"
            FROM "requests" q
            JOIN "users" u ON u."id" = q."created_by"
            JOIN "organizations" o ON o."id" = u."organization_id" AND o."is_ours"
           WHERE q."id" = r."request_id" AND u."role" IN ('manager', 'admin')))
 WHERE r."owner_user_id" IS NULL;
