-- An applied update's fingerprint beside its id (src/telegram/intake.ts updateFingerprint): Telegram may give a new
-- update an id Hotline applied within the redelivery window — its ids start anew at random after a week without
-- updates, and a bot moved between Telegram's cloud Bot API and a self-hosted server (TELEGRAM_API_ROOT) gets the
-- other server's ids at once. An id met again with another fingerprint is a new update, applied; with the same one (or
-- on a row of before this migration, null) a redelivery, skipped.
ALTER TABLE "telegram_updates" ADD COLUMN "fingerprint" text;
