-- A client's every message refreshed its dialog's first answer while the dialog waited for one (docs/performance-notes.md
-- «Stop 34: a client's later messages refresh nothing»): 0025's trigger chose the dialogs whose new row was not later than
-- their first answer, which for an incoming message in an unanswered dialog is every message. The refresh
-- (dialog_first_answers_refresh, 0034) reads the dialog's first incoming message by `seq` and the first answer after it,
-- so an incoming row changes what it computes only when no earlier incoming row (by `seq`) exists — the first question,
-- or the dialog's stored question still empty. The rows it keeps are the same (test/platform/insightFirstAnswers*);
-- the test of an earlier incoming row reads messages_first_in_idx (dialog_id, seq) of 0020.
CREATE OR REPLACE FUNCTION messages_first_answers_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dialog_first_answers_refresh(ARRAY(
    SELECT DISTINCT a.dialog_id FROM added a JOIN dialogs d ON d.id = a.dialog_id
     WHERE (a.direction = 'in'
            AND (d.first_asked_at IS NULL
                 OR NOT EXISTS (SELECT 1 FROM messages e
                                 WHERE e.dialog_id = a.dialog_id AND e.direction = 'in' AND e.seq < a.seq)))
        OR (a.direction = 'out' AND (d.first_answered_at IS NULL OR a.sent_at <= d.first_answered_at))));
  RETURN NULL;
END
$$;
