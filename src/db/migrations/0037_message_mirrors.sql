-- Mirrors' Telegram ids out of `messages` (docs/performance-notes.md «Stop 35»). The outbox recorded where a message
-- was shown (the topic message of a client's text, the client's copy of an answer) by UPDATE messages SET
-- topic_message_id / client_chat_message_id: an indexed column, so never a HOT update — a second version of the row
-- with an entry in each of its eight indexes (the GIN of the search vector too, recomputed: a stored generated column
-- is computed again at every UPDATE) and a dead row for VACUUM, for every message relayed. Now one narrow INSERT here.
-- The columns keep the id a message was written with (known at its INSERT) and, for rows of before this migration,
-- their mirrors: nothing is copied (a rewrite of every message), the lookups read both (commands/dialogs).
CREATE TABLE "message_mirrors" (
	"message_id" bigint NOT NULL,
	"dialog_id" bigint NOT NULL,
	"side" text NOT NULL,
	"telegram_id" integer NOT NULL,
	CONSTRAINT "message_mirrors_message_id_side_pk" PRIMARY KEY("message_id","side"),
	CONSTRAINT "message_mirrors_side_check" CHECK ("message_mirrors"."side" IN ('client', 'topic'))
);
--> statement-breakpoint
ALTER TABLE "message_mirrors" ADD CONSTRAINT "message_mirrors_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "message_mirrors_shown_as_idx" ON "message_mirrors" USING btree ("dialog_id","side","telegram_id");