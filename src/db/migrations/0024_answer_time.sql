ALTER TABLE "dialogs" ADD COLUMN "reminded_waiting_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dialogs" ADD COLUMN "off_hours_answered_until" timestamp with time zone;