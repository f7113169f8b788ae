CREATE TABLE "client_labels" (
	"client_id" bigint NOT NULL,
	"label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" bigint,
	CONSTRAINT "client_labels_client_id_label_pk" PRIMARY KEY("client_id","label"),
	CONSTRAINT "client_labels_label_form" CHECK (char_length("client_labels"."label") between 1 and 32 and "client_labels"."label" !~ '[[:space:],#]')
);
--> statement-breakpoint
ALTER TABLE "client_labels" ADD CONSTRAINT "client_labels_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_labels" ADD CONSTRAINT "client_labels_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "client_labels_label_idx" ON "client_labels" USING btree ("label","client_id");