-- pair_users: distinct users who have both items of an unordered pair,
-- stored once with item_a < item_b. Only each user's `max_pair_items` most
-- recently used distinct items form pairs (an item's recency is its latest
-- event; equal timestamps: the later row in the log is more recent), so one
-- user adds at most max_pair_items * (max_pair_items - 1) / 2 pairs. Each
-- (user, item_a, item_b) joins once, so COUNT(*) counts distinct users.
WITH latest AS (
  SELECT c.user_no, c.item_no, c.ts, c.seq,
         ROW_NUMBER() OVER (PARTITION BY c.user_no, c.item_no ORDER BY c.ts DESC, c.seq DESC) AS copy
  FROM capped_events c
),
ranked AS (
  SELECT l.user_no, l.item_no,
         ROW_NUMBER() OVER (PARTITION BY l.user_no ORDER BY l.ts DESC, l.seq DESC) AS recency
  FROM latest l
  WHERE l.copy = 1
),
user_items AS (
  SELECT r.user_no, r.item_no
  FROM ranked r
  CROSS JOIN params p
  WHERE r.recency <= p.max_pair_items
)
SELECT a.item_no AS item_a, b.item_no AS item_b, COUNT(*) AS users
FROM user_items a
JOIN user_items b ON a.user_no = b.user_no AND a.item_no < b.item_no
GROUP BY a.item_no, b.item_no
