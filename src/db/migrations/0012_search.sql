-- Trigram matching for names, numbers and typos (PGlite loads the extension in src/db/embedded.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "clients_search_trgm_idx" ON "clients" USING gin (lower(coalesce("first_name", '') || ' ' || coalesce("last_name", '') || ' ' || coalesce("username", '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "documents_search_idx" ON "documents" USING gin (to_tsvector('russian'::regconfig, translate(coalesce("name", ''), '._-', '   ')));--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin (to_tsvector('russian'::regconfig, coalesce("text", '') || ' ' || translate(coalesce("media" ->> 'fileName', ''), '._-', '   ')));--> statement-breakpoint
CREATE INDEX "requests_search_idx" ON "requests" USING gin (to_tsvector('russian'::regconfig, coalesce("beneficiary" ->> 'name', '') || ' ' || "purpose" || ' ' || coalesce("payer" ->> 'name', '') || ' ' || coalesce("comment", '')));--> statement-breakpoint
CREATE INDEX "requests_search_trgm_idx" ON "requests" USING gin (lower("number" || ' ' || coalesce("payer" ->> 'inn', '') || ' ' || coalesce("beneficiary" ->> 'name', '') || ' ' || coalesce("payer" ->> 'name', '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "requests_amount_idx" ON "requests" USING btree ("amount");