-- The outside check (team24), fault 2: the answer to one of our staff writing to the bot privately is sent once
-- per interval, not on every message (src/telegram/relay.ts). Keyed by Telegram account: a managers' group member
-- without a platform account has no users row.
CREATE TABLE "staff_private_answers" (
	"telegram_user_id" bigint PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"answered_at" timestamp with time zone NOT NULL
);
