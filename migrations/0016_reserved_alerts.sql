-- 0016: reserved for the 'alerts' branch of this round, which brings its own 0016 migration.
-- This empty placeholder keeps the numbering 1..N without gaps on the 'onboard' branch (0018);
-- delete it when the branches are merged.
SELECT 1;
