DROP INDEX "messages_topic_key";--> statement-breakpoint
ALTER TABLE "telegram_outbox" ADD COLUMN "target" jsonb;--> statement-breakpoint
ALTER TABLE "telegram_outbox" ADD COLUMN "coalesce_key" text;--> statement-breakpoint
ALTER TABLE "telegram_outbox" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "messages_topic_idx" ON "messages" USING btree ("dialog_id","topic_message_id");