-- The request's chat on the platform is searched too (issue 20.1 "messages", read broadly: the outside check found
-- posts written on the platform unsearchable). A stored word vector as for messages (migration 0029;
-- src/db/searchIndex.ts `postVector`), its GIN index, and a btree for the search's newest-first walk.
ALTER TABLE "request_posts" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (to_tsvector('russian'::regconfig, "text")) STORED;--> statement-breakpoint
CREATE INDEX "request_posts_newest_idx" ON "request_posts" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "request_posts_search_idx" ON "request_posts" USING gin ("search_vector");
