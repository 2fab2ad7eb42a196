-- capped_events: each user's most recent `max_events_per_user` positive
-- events. Negative kinds (dislike, dismiss) count for nothing, so they neither
-- contribute nor use up a user's allowance. Equal timestamps: the row that
-- came later in the log counts as more recent.
SELECT ranked.user_no, ranked.item_no, ranked.ts, ranked.seq
FROM (
  SELECT e.user_no, e.item_no, e.ts, e.seq,
         ROW_NUMBER() OVER (PARTITION BY e.user_no ORDER BY e.ts DESC, e.seq DESC) AS recency
  FROM events e
  WHERE e.kind IN ('view', 'click', 'purchase', 'like')
) ranked
CROSS JOIN params p
WHERE ranked.recency <= p.max_events_per_user
