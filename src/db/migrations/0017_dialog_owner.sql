ALTER TABLE "dialogs" ADD COLUMN "owner_user_id" bigint;--> statement-breakpoint
ALTER TABLE "dialogs" ADD COLUMN "owner_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "telegram_username" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "on_shift_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "last_dealt_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "dialogs_owner_idx" ON "dialogs" USING btree ("owner_user_id");