-- pair_users: distinct users who have both items of an unordered pair,
-- stored once with item_a < item_b. user_items is distinct, so each
-- (user, item_a, item_b) joins once and COUNT(*) counts distinct users.
WITH user_items AS (
  SELECT DISTINCT c.user_no, c.item_no
  FROM capped_events c
)
SELECT a.item_no AS item_a, b.item_no AS item_b, COUNT(*) AS users
FROM user_items a
JOIN user_items b ON a.user_no = b.user_no AND a.item_no < b.item_no
GROUP BY a.item_no, b.item_no
