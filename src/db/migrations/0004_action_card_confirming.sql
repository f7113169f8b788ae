ALTER TABLE "action_cards" ALTER COLUMN "topic_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "action_cards" ADD COLUMN "confirming" text;