ALTER TABLE "dialogs" ADD COLUMN "first_asked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dialogs" ADD COLUMN "first_answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dialogs" ADD COLUMN "first_answer_user_id" bigint;--> statement-breakpoint
ALTER TABLE "dialogs" ADD COLUMN "first_answer_telegram_id" bigint;--> statement-breakpoint
CREATE INDEX "dialogs_created_idx" ON "dialogs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "events_completed_idx" ON "events" USING btree ("at","subject_id") WHERE "events"."subject_type" = 'request' and "events"."name" = 'request.status' and ("events"."after" ->> 'status') = 'completed';--> statement-breakpoint
CREATE INDEX "requests_insight_idx" ON "requests" USING btree ("created_at","status","currency","accepted_offer_id","created_by","amount");--> statement-breakpoint
CREATE INDEX "requests_insight_dialog_idx" ON "requests" USING btree ("dialog_id","status","accepted_offer_id");
--> statement-breakpoint
-- The dashboard's first answers (docs/insight.md «First response»), kept on the dialog when they happen
-- instead of found per dialog at every look (two index probes per dialog per chart: 0.75 s at 17,000
-- dialogs a month, bench/dashboard.ts). One definition, the one src/platform/routes/insightQueries.ts
-- used to compute: the client's first message (`in`, lowest seq) and the first thing a manager sent the
-- client after it — a topic message `out` of higher seq or a post delivered to the client at or after
-- it, whichever came first — with its author as written (platform account and Telegram id; the account
-- of a Telegram id is looked up when the chart is read, as before).
CREATE FUNCTION dialog_first_answers_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
  UPDATE dialogs d
     SET first_asked_at = f.asked_at, first_answered_at = f.answered_at,
         first_answer_user_id = f.user_id, first_answer_telegram_id = f.telegram_id
    FROM (
      SELECT o.id, asked.sent_at AS asked_at, reply.at AS answered_at, reply.user_id, reply.telegram_id
        FROM (SELECT DISTINCT unnest(ids) AS id) o
        LEFT JOIN LATERAL (
          SELECT m.seq, m.sent_at FROM messages m
           WHERE m.dialog_id = o.id AND m.direction = 'in' ORDER BY m.seq LIMIT 1
        ) asked ON true
        LEFT JOIN LATERAL (
          SELECT x.at, x.user_id, x.telegram_id FROM (
            (SELECT m.sent_at AS at, m.author_user_id AS user_id, m.author_telegram_id AS telegram_id
               FROM messages m
              WHERE m.dialog_id = o.id AND m.direction = 'out' AND m.seq > asked.seq
              ORDER BY m.seq LIMIT 1)
            UNION ALL
            (SELECT p.created_at, p.author_user_id, NULL::bigint
               FROM request_posts p JOIN requests r ON r.id = p.request_id
              WHERE r.dialog_id = o.id AND p.delivered_to = 'client' AND p.created_at >= asked.sent_at
              ORDER BY p.created_at LIMIT 1)
          ) x ORDER BY x.at LIMIT 1
        ) reply ON true
    ) f
   WHERE d.id = f.id
     AND (d.first_asked_at, d.first_answered_at, d.first_answer_user_id, d.first_answer_telegram_id)
         IS DISTINCT FROM (f.asked_at, f.answered_at, f.user_id, f.telegram_id)
$$;
--> statement-breakpoint
-- New messages: only dialogs not answered yet, or where the new message is not later than the answer, can change.
CREATE FUNCTION messages_first_answers_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dialog_first_answers_refresh(ARRAY(
    SELECT DISTINCT a.dialog_id FROM added a JOIN dialogs d ON d.id = a.dialog_id
     WHERE a.direction IN ('in', 'out') AND (d.first_answered_at IS NULL OR a.sent_at <= d.first_answered_at)));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER messages_first_answers_added AFTER INSERT ON messages
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION messages_first_answers_added();
--> statement-breakpoint
-- A message moved, re-dated or re-authored (Hotline does not do it; a fix by hand might), or deleted.
CREATE FUNCTION messages_first_answers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM dialog_first_answers_refresh(ARRAY[OLD.dialog_id]);
  ELSE
    PERFORM dialog_first_answers_refresh(ARRAY[OLD.dialog_id, NEW.dialog_id]);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER messages_first_answers_changed AFTER UPDATE ON messages FOR EACH ROW
  WHEN ((OLD.dialog_id, OLD.direction, OLD.seq, OLD.sent_at, OLD.author_user_id, OLD.author_telegram_id)
        IS DISTINCT FROM (NEW.dialog_id, NEW.direction, NEW.seq, NEW.sent_at, NEW.author_user_id, NEW.author_telegram_id))
  EXECUTE FUNCTION messages_first_answers_changed();
--> statement-breakpoint
CREATE TRIGGER messages_first_answers_deleted AFTER DELETE ON messages FOR EACH ROW
  WHEN (OLD.direction IN ('in', 'out')) EXECUTE FUNCTION messages_first_answers_changed();
--> statement-breakpoint
-- New posts delivered to the client.
CREATE FUNCTION request_posts_first_answers_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dialog_first_answers_refresh(ARRAY(
    SELECT DISTINCT r.dialog_id FROM added p JOIN requests r ON r.id = p.request_id JOIN dialogs d ON d.id = r.dialog_id
     WHERE p.delivered_to = 'client' AND (d.first_answered_at IS NULL OR p.created_at <= d.first_answered_at)));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER request_posts_first_answers_added AFTER INSERT ON request_posts
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION request_posts_first_answers_added();
--> statement-breakpoint
-- A post changed where it went, when or by whom, moved or deleted.
CREATE FUNCTION request_posts_first_answers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM dialog_first_answers_refresh(ARRAY(SELECT dialog_id FROM requests WHERE id = OLD.request_id AND dialog_id IS NOT NULL));
  ELSE
    PERFORM dialog_first_answers_refresh(ARRAY(SELECT dialog_id FROM requests WHERE id IN (OLD.request_id, NEW.request_id) AND dialog_id IS NOT NULL));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER request_posts_first_answers_changed AFTER UPDATE ON request_posts FOR EACH ROW
  WHEN ((OLD.request_id, OLD.delivered_to, OLD.created_at, OLD.author_user_id)
        IS DISTINCT FROM (NEW.request_id, NEW.delivered_to, NEW.created_at, NEW.author_user_id))
  EXECUTE FUNCTION request_posts_first_answers_changed();
--> statement-breakpoint
CREATE TRIGGER request_posts_first_answers_deleted AFTER DELETE ON request_posts FOR EACH ROW
  WHEN (OLD.delivered_to = 'client') EXECUTE FUNCTION request_posts_first_answers_changed();
--> statement-breakpoint
-- A request linked to another dialog takes its posts along.
CREATE FUNCTION requests_first_answers_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dialog_first_answers_refresh(ARRAY_REMOVE(ARRAY[OLD.dialog_id, NEW.dialog_id], NULL));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER requests_first_answers_moved AFTER UPDATE ON requests FOR EACH ROW
  WHEN (OLD.dialog_id IS DISTINCT FROM NEW.dialog_id) EXECUTE FUNCTION requests_first_answers_moved();
--> statement-breakpoint
-- Every dialog so far.
SELECT dialog_first_answers_refresh(ARRAY(SELECT id FROM dialogs));
