ALTER TABLE "clients" ADD COLUMN "banned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "ban_reason" text;