CREATE TABLE "request_posts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" bigint NOT NULL,
	"author_user_id" bigint NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "request_posts" ADD CONSTRAINT "request_posts_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_posts" ADD CONSTRAINT "request_posts_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "request_posts_request_idx" ON "request_posts" USING btree ("request_id","created_at");--> statement-breakpoint
CREATE INDEX "requests_list_amount_idx" ON "requests" USING btree ("status","hidden","amount","id");