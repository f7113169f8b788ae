CREATE TABLE "dialog_topics" (
	"managers_chat_id" bigint NOT NULL,
	"topic_id" integer NOT NULL,
	"dialog_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dialog_topics_managers_chat_id_topic_id_pk" PRIMARY KEY("managers_chat_id","topic_id")
);
--> statement-breakpoint
CREATE TABLE "managers_chats" (
	"chat_id" bigint PRIMARY KEY NOT NULL,
	"paused_at" timestamp with time zone,
	"pause_reason" text,
	"migrated_to" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dialogs" ADD COLUMN "topic_claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dialogs" ADD COLUMN "topic_claim_name" text;--> statement-breakpoint
ALTER TABLE "telegram_outbox" ADD COLUMN "maybe_applied" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "dialog_topics" ADD CONSTRAINT "dialog_topics_dialog_id_dialogs_id_fk" FOREIGN KEY ("dialog_id") REFERENCES "public"."dialogs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dialog_topics_dialog_idx" ON "dialog_topics" USING btree ("dialog_id");--> statement-breakpoint
INSERT INTO "dialog_topics" ("managers_chat_id", "topic_id", "dialog_id") SELECT "managers_chat_id", "topic_id", "id" FROM "dialogs" WHERE "topic_id" IS NOT NULL ON CONFLICT DO NOTHING;
