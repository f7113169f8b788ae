-- The fingerprints of the updates applied under each update id (src/telegram/intake.ts updateFingerprint): Telegram
-- may give a new update an id Hotline applied within the redelivery window — its ids start anew at random after a week
-- without updates, and a bot moved between Telegram's cloud Bot API and a self-hosted server (TELEGRAM_API_ROOT) gets
-- the other server's ids at once. An id met again with a fingerprint not in the list is a new update, applied and its
-- fingerprint added; with one in the list (or on a row of before this migration, null) a redelivery, skipped. A list,
-- not the last one alone: the first server may still redeliver its update after the second server's was applied.
ALTER TABLE "telegram_updates" ADD COLUMN "fingerprints" text[];
