-- 0014: reserved for the 'delivery' branch of this round, which brings its own 0014 migration.
-- This empty placeholder keeps the numbering 1..N without gaps on the 'alerts' branch (0016);
-- delete it when the branches are merged.
SELECT 1;
