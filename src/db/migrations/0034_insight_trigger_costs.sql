-- The insight triggers of 0025 and 0030 cost more than the rows they keep (docs/PERFORMANCE.md «Relay»,
-- «What the database did per message»): every INSERT into messages called dialog_first_answers_refresh,
-- a LANGUAGE sql function, which PostgreSQL plans anew at each call (it keeps no plan of a SQL function
-- between calls) — about 0.6 ms of the database's CPU per client message, half of what storing the message
-- costs, even when the array of dialogs to refresh was empty. Same for every INSERT into events
-- (request_completed_refresh). The functions below compute the same rows as before; they are PL/pgSQL
-- (which keeps a statement's plan for the session), on a generic plan (`plan_cache_mode`: left to itself,
-- PL/pgSQL re-plans a statement with parameters each time when the generic plan's estimate looks dearer,
-- which it does for `unnest(ids)`), and they return at once when there is nothing to refresh.
CREATE OR REPLACE FUNCTION dialog_first_answers_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  IF cardinality(ids) = 0 THEN RETURN; END IF;
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
         IS DISTINCT FROM (f.asked_at, f.answered_at, f.user_id, f.telegram_id);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION request_completed_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  IF cardinality(ids) = 0 THEN RETURN; END IF;
  -- The completion event's time, read once per request (0030 wrote the same subquery twice: for SET and WHERE).
  UPDATE requests r
     SET completed_at = c.at
    FROM (SELECT q.id, (SELECT max(e.at) FROM events e
                         WHERE e.subject_type = 'request' AND e.subject_id = q.id
                           AND e.name = 'request.status' AND e.after ->> 'status' = 'completed') AS at
            FROM requests q WHERE q.id = ANY(ids)) c
   WHERE r.id = c.id AND r.completed_at IS DISTINCT FROM c.at;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION dialog_funnel_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  IF cardinality(ids) = 0 THEN RETURN; END IF;
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
