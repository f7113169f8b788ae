CREATE TYPE "public"."document_source" AS ENUM('chat', 'onec', 'generated', 'upload');--> statement-breakpoint
CREATE TYPE "public"."document_state" AS ENUM('pending', 'stored', 'too_large', 'failed');--> statement-breakpoint
CREATE TYPE "public"."message_direction" AS ENUM('in', 'out', 'note', 'system');--> statement-breakpoint
CREATE TYPE "public"."offer_status" AS ENUM('active', 'accepted', 'declined', 'withdrawn');--> statement-breakpoint
CREATE TYPE "public"."organization_kind" AS ENUM('customer', 'agent', 'both');--> statement-breakpoint
CREATE TYPE "public"."outbox_state" AS ENUM('pending', 'sent', 'failed');--> statement-breakpoint
CREATE TYPE "public"."request_origin" AS ENUM('web', 'telegram');--> statement-breakpoint
CREATE TYPE "public"."request_status" AS ENUM('collecting_offers', 'accepted', 'completed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('admin', 'manager', 'agent', 'customer');--> statement-breakpoint
CREATE TABLE "action_cards" (
	"request_id" bigint PRIMARY KEY NOT NULL,
	"managers_chat_id" bigint NOT NULL,
	"topic_id" integer NOT NULL,
	"message_id" integer,
	"rendered_hash" text,
	"pinned" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clients" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"telegram_user_id" bigint NOT NULL,
	"first_name" text DEFAULT '' NOT NULL,
	"last_name" text,
	"username" text,
	"language" text,
	"blocked_at" timestamp with time zone,
	"greeted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clients_telegram_user_id_unique" UNIQUE("telegram_user_id")
);
--> statement-breakpoint
CREATE TABLE "dialogs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" bigint NOT NULL,
	"managers_chat_id" bigint NOT NULL,
	"topic_id" integer,
	"client_card_message_id" integer,
	"status" text DEFAULT 'open' NOT NULL,
	"active_request_id" bigint,
	"last_message_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" bigint,
	"dialog_id" bigint,
	"message_id" bigint,
	"source" "document_source" NOT NULL,
	"state" "document_state" DEFAULT 'pending' NOT NULL,
	"storage_key" text,
	"name" text NOT NULL,
	"mime" text,
	"size" bigint,
	"sha256" text,
	"telegram_file_id" text,
	"error" text,
	"uploaded_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" bigint,
	"actor_telegram_id" bigint,
	"subject_type" text NOT NULL,
	"subject_id" bigint NOT NULL,
	"name" text NOT NULL,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dialog_id" bigint NOT NULL,
	"seq" integer NOT NULL,
	"direction" "message_direction" NOT NULL,
	"author_user_id" bigint,
	"author_telegram_id" bigint,
	"author_name" text,
	"client_chat_message_id" integer,
	"topic_message_id" integer,
	"media_group_id" text,
	"text" text,
	"entities" jsonb,
	"media" jsonb,
	"skip" boolean DEFAULT false NOT NULL,
	"reply_to_message_id" bigint,
	"delivery_error" text,
	"edited_at" timestamp with time zone,
	"sent_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" bigint NOT NULL,
	"agent_organization_id" bigint NOT NULL,
	"rate" numeric(20, 6) NOT NULL,
	"fee_percent" numeric(9, 4) NOT NULL,
	"fixed_fee" numeric(20, 2) NOT NULL,
	"total" numeric(20, 2) NOT NULL,
	"days" integer NOT NULL,
	"valid_until" timestamp with time zone,
	"status" "offer_status" DEFAULT 'active' NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" "organization_kind" NOT NULL,
	"is_ours" boolean DEFAULT false NOT NULL,
	"requisites" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_messages" (
	"request_id" bigint NOT NULL,
	"message_id" bigint NOT NULL,
	CONSTRAINT "request_messages_request_id_message_id_pk" PRIMARY KEY("request_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "request_numbers" (
	"year" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"customer_organization_id" bigint NOT NULL,
	"dialog_id" bigint,
	"origin" "request_origin" NOT NULL,
	"status" "request_status" DEFAULT 'collecting_offers' NOT NULL,
	"hidden" boolean DEFAULT false NOT NULL,
	"amount" numeric(20, 2) NOT NULL,
	"currency" text NOT NULL,
	"funding_currency" text DEFAULT 'RUB' NOT NULL,
	"beneficiary" jsonb NOT NULL,
	"beneficiary_country" text,
	"purpose" text NOT NULL,
	"documents" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"payer" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"deadline" timestamp with time zone,
	"comment" text,
	"accepted_offer_id" bigint,
	"terms" jsonb,
	"onec_ref" text,
	"created_by" bigint,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "requests_number_unique" UNIQUE("number"),
	CONSTRAINT "requests_amount_positive" CHECK ("requests"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"csrf_token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_in_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" bigint,
	"telegram_user_id" bigint,
	"dialog_id" bigint,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "telegram_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chat_id" bigint NOT NULL,
	"method" text NOT NULL,
	"payload" jsonb NOT NULL,
	"link" jsonb,
	"state" "outbox_state" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"not_before" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "telegram_updates" (
	"update_id" bigint PRIMARY KEY NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"organization_id" bigint NOT NULL,
	"role" "user_role" NOT NULL,
	"email" text,
	"password_hash" text,
	"telegram_user_id" bigint,
	"name" text NOT NULL,
	"locale" text DEFAULT 'ru' NOT NULL,
	"time_zone" text DEFAULT 'Europe/Moscow' NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "action_cards" ADD CONSTRAINT "action_cards_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dialogs" ADD CONSTRAINT "dialogs_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_dialog_id_dialogs_id_fk" FOREIGN KEY ("dialog_id") REFERENCES "public"."dialogs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_dialog_id_dialogs_id_fk" FOREIGN KEY ("dialog_id") REFERENCES "public"."dialogs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_agent_organization_id_organizations_id_fk" FOREIGN KEY ("agent_organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_messages" ADD CONSTRAINT "request_messages_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_messages" ADD CONSTRAINT "request_messages_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_customer_organization_id_organizations_id_fk" FOREIGN KEY ("customer_organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_dialog_id_dialogs_id_fk" FOREIGN KEY ("dialog_id") REFERENCES "public"."dialogs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_in_links" ADD CONSTRAINT "sign_in_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_in_links" ADD CONSTRAINT "sign_in_links_dialog_id_dialogs_id_fk" FOREIGN KEY ("dialog_id") REFERENCES "public"."dialogs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dialogs_topic_key" ON "dialogs" USING btree ("managers_chat_id","topic_id");--> statement-breakpoint
CREATE UNIQUE INDEX "dialogs_client_key" ON "dialogs" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "documents_request_idx" ON "documents" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "documents_dialog_idx" ON "documents" USING btree ("dialog_id");--> statement-breakpoint
CREATE INDEX "events_subject_idx" ON "events" USING btree ("subject_type","subject_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_dialog_seq_key" ON "messages" USING btree ("dialog_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_client_chat_key" ON "messages" USING btree ("dialog_id","client_chat_message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_topic_key" ON "messages" USING btree ("dialog_id","topic_message_id");--> statement-breakpoint
CREATE INDEX "offers_request_idx" ON "offers" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "offers_agent_idx" ON "offers" USING btree ("agent_organization_id");--> statement-breakpoint
CREATE INDEX "requests_list_idx" ON "requests" USING btree ("status","hidden","created_at");--> statement-breakpoint
CREATE INDEX "requests_customer_idx" ON "requests" USING btree ("customer_organization_id","created_at");--> statement-breakpoint
CREATE INDEX "requests_dialog_idx" ON "requests" USING btree ("dialog_id");--> statement-breakpoint
CREATE INDEX "telegram_outbox_pending_idx" ON "telegram_outbox" USING btree ("chat_id","id") WHERE "telegram_outbox"."state" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "users_telegram_user_id_key" ON "users" USING btree ("telegram_user_id");