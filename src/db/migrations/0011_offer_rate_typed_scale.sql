ALTER TABLE "offers" ALTER COLUMN "rate" SET DATA TYPE numeric USING trim_scale("rate");
