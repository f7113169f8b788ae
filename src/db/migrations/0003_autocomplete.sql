CREATE TABLE "beneficiaries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"organization_id" bigint NOT NULL,
	"client_id" bigint,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"details" jsonb NOT NULL,
	"used_count" integer DEFAULT 1 NOT NULL,
	"last_used_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"organization_id" bigint NOT NULL,
	"inn" text NOT NULL,
	"kpp" text DEFAULT '' NOT NULL,
	"name" text NOT NULL,
	"used_count" integer DEFAULT 1 NOT NULL,
	"last_used_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "beneficiaries" ADD CONSTRAINT "beneficiaries_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beneficiaries" ADD CONSTRAINT "beneficiaries_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payers" ADD CONSTRAINT "payers_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "beneficiaries_key" ON "beneficiaries" USING btree ("organization_id","key");--> statement-breakpoint
CREATE INDEX "beneficiaries_recent_idx" ON "beneficiaries" USING btree ("organization_id","last_used_at");--> statement-breakpoint
CREATE UNIQUE INDEX "payers_key" ON "payers" USING btree ("organization_id","inn","kpp");--> statement-breakpoint
CREATE INDEX "payers_recent_idx" ON "payers" USING btree ("organization_id","last_used_at");