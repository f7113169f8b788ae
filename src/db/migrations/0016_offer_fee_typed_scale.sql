ALTER TABLE "offers" ALTER COLUMN "fee_percent" SET DATA TYPE numeric USING trim_scale("fee_percent");
