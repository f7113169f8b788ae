-- The search's word vectors, stored (issue 20; docs/PERFORMANCE.md «Search»): computed by PostgreSQL when a
-- row is written, from the same expressions as before (src/db/searchIndex.ts), instead of by `to_tsvector`
-- for every row a search reads. The GIN indexes move from the expression to the column; a btree per table
-- gives the search its newest-first walk (src/commands/search.ts). The old expression indexes go first, so
-- the table rewrite of each ADD COLUMN does not build them once more. On 10 million messages this rewrites
-- the table (docs/PERFORMANCE.md gives the time and size measured).
SET LOCAL maintenance_work_mem = '256MB';--> statement-breakpoint
DROP INDEX "documents_search_idx";--> statement-breakpoint
DROP INDEX "messages_search_idx";--> statement-breakpoint
DROP INDEX "requests_search_idx";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (to_tsvector('russian'::regconfig, coalesce("text", '') || ' ' || translate(coalesce("media" ->> 'fileName', ''), '._-', '   '))) STORED;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (to_tsvector('russian'::regconfig, coalesce("beneficiary" ->> 'name', '') || ' ' || "purpose" || ' ' || coalesce("payer" ->> 'name', '') || ' ' || coalesce("comment", ''))) STORED;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (to_tsvector('russian'::regconfig, translate(coalesce("name", ''), '._-', '   '))) STORED;--> statement-breakpoint
CREATE INDEX "documents_newest_idx" ON "documents" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "messages_newest_idx" ON "messages" USING btree ("sent_at","id");--> statement-breakpoint
CREATE INDEX "requests_newest_idx" ON "requests" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "documents_search_idx" ON "documents" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "requests_search_idx" ON "requests" USING gin ("search_vector");
