-- The dashboard's per-row facts (issue 20, docs/insight.md, docs/PERFORMANCE.md «Dashboard»): every chart reads
-- only the rows of its period through one narrow index, with no lookup per row into another table.
-- Kept by the database in the transaction that writes the source rows, like the first answers of 0025.
--
-- 1. The funnel per dialog: has a request / one whose offer was accepted / one completed / one cancelled
--    (the funnel looked up every dialog's requests at each look: 17,000 index probes a month).
ALTER TABLE "dialogs" ADD COLUMN "funnel_request" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "dialogs" ADD COLUMN "funnel_accepted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "dialogs" ADD COLUMN "funnel_completed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "dialogs" ADD COLUMN "funnel_cancelled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- 2. The agent whose offer a request accepted (volume by agent looked up each request's offer: 20,000 probes a month).
ALTER TABLE "requests" ADD COLUMN "accepted_agent_id" bigint;--> statement-breakpoint
-- 3. When a request was completed: the `request.status` event whose `after.status` is `completed` (resolution read
--    that event, then each request for its creation and creator: 18,000 probes a month). Completion is final
--    (core/requestStatus), so a request has at most one such event; were there more (a fix by hand), the latest.
ALTER TABLE "requests" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
-- Recomputes the funnel flags of these dialogs from their requests. The dialogs are locked first (in id order,
-- so two writers cannot deadlock), then read: under READ COMMITTED the next statement's snapshot sees what a
-- concurrent writer of the same dialog committed while we waited, so no flag is lost.
CREATE FUNCTION dialog_funnel_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM dialogs WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
  UPDATE dialogs d
     SET funnel_request = f.with_request, funnel_accepted = f.accepted,
         funnel_completed = f.completed, funnel_cancelled = f.cancelled
    FROM (
      SELECT o.id,
             count(r.id) > 0 AS with_request,
             coalesce(bool_or(r.accepted_offer_id IS NOT NULL), false) AS accepted,
             coalesce(bool_or(r.status = 'completed'), false) AS completed,
             coalesce(bool_or(r.status = 'cancelled'), false) AS cancelled
        FROM (SELECT DISTINCT unnest(ids) AS id) o
        LEFT JOIN requests r ON r.dialog_id = o.id
       GROUP BY o.id
    ) f
   WHERE d.id = f.id
     AND (d.funnel_request, d.funnel_accepted, d.funnel_completed, d.funnel_cancelled)
         IS DISTINCT FROM (f.with_request, f.accepted, f.completed, f.cancelled);
END
$$;
--> statement-breakpoint
CREATE FUNCTION requests_funnel_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dialog_funnel_refresh(ARRAY(SELECT DISTINCT dialog_id FROM added WHERE dialog_id IS NOT NULL));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER requests_funnel_added AFTER INSERT ON requests
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION requests_funnel_added();
--> statement-breakpoint
CREATE FUNCTION requests_funnel_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM dialog_funnel_refresh(ARRAY_REMOVE(ARRAY[OLD.dialog_id], NULL));
  ELSE
    PERFORM dialog_funnel_refresh(ARRAY_REMOVE(ARRAY[OLD.dialog_id, NEW.dialog_id], NULL));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER requests_funnel_changed AFTER UPDATE ON requests FOR EACH ROW
  WHEN ((OLD.dialog_id, OLD.status, OLD.accepted_offer_id) IS DISTINCT FROM (NEW.dialog_id, NEW.status, NEW.accepted_offer_id))
  EXECUTE FUNCTION requests_funnel_changed();
--> statement-breakpoint
CREATE TRIGGER requests_funnel_deleted AFTER DELETE ON requests FOR EACH ROW
  WHEN (OLD.dialog_id IS NOT NULL) EXECUTE FUNCTION requests_funnel_changed();
--> statement-breakpoint
-- Recomputes these requests' completion from their events (through events_subject_idx).
CREATE FUNCTION request_completed_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
  UPDATE requests r
     SET completed_at = (SELECT max(e.at) FROM events e
                          WHERE e.subject_type = 'request' AND e.subject_id = r.id
                            AND e.name = 'request.status' AND e.after ->> 'status' = 'completed')
   WHERE r.id = ANY(ids)
     AND r.completed_at IS DISTINCT FROM (SELECT max(e.at) FROM events e
                          WHERE e.subject_type = 'request' AND e.subject_id = r.id
                            AND e.name = 'request.status' AND e.after ->> 'status' = 'completed')
$$;
--> statement-breakpoint
CREATE FUNCTION events_completed_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM request_completed_refresh(ARRAY(
    SELECT DISTINCT subject_id FROM added
     WHERE subject_type = 'request' AND name = 'request.status' AND after ->> 'status' = 'completed'));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER events_completed_added AFTER INSERT ON events
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION events_completed_added();
--> statement-breakpoint
-- The event log is not edited; a fix by hand that does is followed.
CREATE FUNCTION events_completed_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM request_completed_refresh(ARRAY[OLD.subject_id]);
  ELSE
    PERFORM request_completed_refresh(ARRAY[OLD.subject_id, NEW.subject_id]);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER events_completed_changed AFTER UPDATE OR DELETE ON events FOR EACH ROW
  WHEN (OLD.subject_type = 'request' AND OLD.name = 'request.status') EXECUTE FUNCTION events_completed_changed();
--> statement-breakpoint
-- The accepted offer's agent, set on the request row itself as the offer is accepted.
CREATE FUNCTION requests_accepted_agent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.accepted_agent_id := (SELECT o.agent_organization_id FROM offers o WHERE o.id = NEW.accepted_offer_id);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER requests_accepted_agent BEFORE INSERT OR UPDATE OF accepted_offer_id, accepted_agent_id ON requests
  FOR EACH ROW EXECUTE FUNCTION requests_accepted_agent();
--> statement-breakpoint
-- An offer given to another agent (Hotline does not do it; a fix by hand might).
CREATE FUNCTION offers_accepted_agent_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE requests SET accepted_agent_id = NEW.agent_organization_id WHERE accepted_offer_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER offers_accepted_agent_moved AFTER UPDATE OF agent_organization_id ON offers FOR EACH ROW
  WHEN (OLD.agent_organization_id IS DISTINCT FROM NEW.agent_organization_id) EXECUTE FUNCTION offers_accepted_agent_moved();
--> statement-breakpoint
-- Every row so far (before the new indexes exist, so the rewritten rows update fewer indexes), each request
-- rewritten once.
UPDATE requests r SET accepted_agent_id = f.agent_id, completed_at = f.completed_at
  FROM (
    SELECT r2.id, o.agent_organization_id AS agent_id, c.completed_at
      FROM requests r2
      LEFT JOIN offers o ON o.id = r2.accepted_offer_id
      LEFT JOIN (SELECT e.subject_id, max(e.at) AS completed_at FROM events e
                  WHERE e.subject_type = 'request' AND e.name = 'request.status' AND e.after ->> 'status' = 'completed'
                  GROUP BY e.subject_id) c ON c.subject_id = r2.id
     WHERE o.id IS NOT NULL OR c.subject_id IS NOT NULL
  ) f
 WHERE r.id = f.id;
--> statement-breakpoint
UPDATE dialogs d
   SET funnel_request = true, funnel_accepted = f.accepted, funnel_completed = f.completed, funnel_cancelled = f.cancelled
  FROM (
    SELECT r.dialog_id,
           bool_or(r.accepted_offer_id IS NOT NULL) AS accepted,
           bool_or(r.status = 'completed') AS completed,
           bool_or(r.status = 'cancelled') AS cancelled
      FROM requests r WHERE r.dialog_id IS NOT NULL GROUP BY r.dialog_id
  ) f
 WHERE d.id = f.dialog_id;
--> statement-breakpoint
-- 4. Narrow indexes that hold all a chart reads (index-only scans): the dialog charts, the request charts, sources.
DROP INDEX "dialogs_created_idx";--> statement-breakpoint
CREATE INDEX "dialogs_insight_idx" ON "dialogs" USING btree ("created_at") INCLUDE ("id","first_asked_at","first_answered_at","first_answer_user_id","first_answer_telegram_id","funnel_request","funnel_accepted","funnel_completed","funnel_cancelled");--> statement-breakpoint
DROP INDEX "requests_insight_idx";--> statement-breakpoint
CREATE INDEX "requests_insight_idx" ON "requests" USING btree ("created_at") INCLUDE ("status","currency","accepted_offer_id","accepted_agent_id","created_by","amount");--> statement-breakpoint
DROP INDEX "events_completed_idx";--> statement-breakpoint
CREATE INDEX "requests_completed_idx" ON "requests" USING btree ("completed_at") INCLUDE ("id","created_at","created_by") WHERE "requests"."completed_at" is not null;--> statement-breakpoint
CREATE INDEX "clients_created_idx" ON "clients" USING btree ("created_at") INCLUDE ("start_parameter");
