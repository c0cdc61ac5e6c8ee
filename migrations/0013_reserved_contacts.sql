-- 0013: reserved for the 'contacts' branch of this round, which brings its own 0013 migration.
-- This empty placeholder keeps the numbering 1..N without gaps on the 'alerts' branch (0016);
-- delete it when the branches are merged.
SELECT 1;
