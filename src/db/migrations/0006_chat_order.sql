DROP INDEX "request_posts_request_idx";--> statement-breakpoint
ALTER TABLE "request_messages" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
UPDATE "request_messages" rm SET "sent_at" = m."sent_at" FROM "messages" m WHERE m."id" = rm."message_id";--> statement-breakpoint
ALTER TABLE "request_messages" ALTER COLUMN "sent_at" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "request_messages_chat_idx" ON "request_messages" USING btree ("request_id","sent_at","message_id");--> statement-breakpoint
CREATE INDEX "request_posts_chat_idx" ON "request_posts" USING btree ("request_id","created_at","id");
