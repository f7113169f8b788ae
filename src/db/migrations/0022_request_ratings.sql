CREATE TABLE "request_ratings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" bigint NOT NULL,
	"dialog_id" bigint NOT NULL,
	"owner_user_id" bigint,
	"score" integer,
	"comment" text,
	"asked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rated_at" timestamp with time zone,
	CONSTRAINT "request_ratings_score_range" CHECK ("request_ratings"."score" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "dialogs" ADD COLUMN "rating_comment_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "request_ratings" ADD CONSTRAINT "request_ratings_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_ratings" ADD CONSTRAINT "request_ratings_dialog_id_dialogs_id_fk" FOREIGN KEY ("dialog_id") REFERENCES "public"."dialogs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_ratings" ADD CONSTRAINT "request_ratings_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "request_ratings_request_key" ON "request_ratings" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "request_ratings_owner_idx" ON "request_ratings" USING btree ("owner_user_id");