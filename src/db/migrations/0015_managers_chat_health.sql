ALTER TABLE "managers_chats" ADD COLUMN "removed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "managers_chats" ADD COLUMN "cannot_read_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "managers_chats" ADD COLUMN "cannot_manage_topics_since" timestamp with time zone;