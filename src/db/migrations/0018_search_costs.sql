-- pg_trgm's word similarity operators are costed as cheap as addition (COST 1), so the planner reads
-- every client rather than the trigram index and computes word_similarity for each (700 ms at 50,000
-- clients, bench/search.ts). Their real cost is that of word_similarity itself. Only the extension's
-- owner may change it: elsewhere search works the same, just slower on many clients.
DO $$
BEGIN
  ALTER FUNCTION word_similarity(text, text) COST 50;
  ALTER FUNCTION word_similarity_op(text, text) COST 50;
  ALTER FUNCTION word_similarity_commutator_op(text, text) COST 50;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pg_trgm functions belong to another role: their planner costs stay as shipped';
END
$$;
