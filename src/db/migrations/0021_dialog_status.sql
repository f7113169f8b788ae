ALTER TABLE "dialogs" ADD COLUMN "waiting_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dialogs" ADD COLUMN "topic_title" text;--> statement-breakpoint
CREATE INDEX "dialogs_waiting_idx" ON "dialogs" USING btree ("waiting_since");