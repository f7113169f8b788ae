-- The outbox's dispatch round reads each content queue's first pending row after every drain (jobs/telegramOutbox
-- dispatch(), several hundred times a second under load). Through telegram_outbox_pending_idx it walked every pending
-- row — under a status storm, hundreds of titles waiting out their delay — and sorted them to return a few:
-- 1.17 ms a call with 500 pending titles and 8 pending messages (pgbench, prepared), 0.28 ms with the housekeeping
-- queues filtered out, 0.08 ms with this index. Its predicate is src/db/schema.ts HOUSEKEEPING_QUEUES_SQL, the same
-- text the round's query uses, so the planner can prove the index covers it.
CREATE INDEX "telegram_outbox_content_pending_idx" ON "telegram_outbox" USING btree ("queue","id") WHERE "telegram_outbox"."state" = 'pending' AND NOT (queue LIKE 'title:%' OR queue LIKE 'reminder:%' OR queue LIKE 'card:%' OR queue LIKE 'mark:%');
