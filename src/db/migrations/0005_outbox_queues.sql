DROP INDEX "telegram_outbox_pending_idx";--> statement-breakpoint
ALTER TABLE "telegram_outbox" ADD COLUMN "queue" text NOT NULL;--> statement-breakpoint
ALTER TABLE "telegram_outbox" ADD COLUMN "batch_head" bigint;--> statement-breakpoint
CREATE INDEX "telegram_outbox_pending_idx" ON "telegram_outbox" USING btree ("queue","id") WHERE "telegram_outbox"."state" = 'pending';