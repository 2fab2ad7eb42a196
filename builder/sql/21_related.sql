-- related: cosine similarity over distinct users,
--   users(i and j) / sqrt(users(i) * users(j)),
-- for pairs shared by at least k users; the top related_limit per item by
-- weight, ties by the neighbour's item id. Noise can push the ratio above 1:
-- clamped.
WITH published AS (
  SELECT p.item_a, p.item_b,
         CAST(p.users AS DOUBLE) / SQRT(CAST(ua.users AS DOUBLE) * CAST(ub.users AS DOUBLE)) AS cosine
  FROM released_pair_users p
  JOIN released_item_users ua ON ua.item_no = p.item_a
  JOIN released_item_users ub ON ub.item_no = p.item_b
  CROSS JOIN params k
  WHERE p.users >= k.k AND ua.users > 0 AND ub.users > 0
),
both_ways AS (
  SELECT item_a AS item_no, item_b AS neighbour_no, cosine FROM published
  UNION ALL
  SELECT item_b AS item_no, item_a AS neighbour_no, cosine FROM published
),
clamped AS (
  SELECT b.item_no, b.neighbour_no, i.item_id AS neighbour_id,
         CASE WHEN b.cosine > CAST(1 AS DOUBLE) THEN CAST(1 AS DOUBLE) ELSE b.cosine END AS weight
  FROM both_ways b
  JOIN items i ON i.item_no = b.neighbour_no
),
numbered AS (
  SELECT c.item_no, c.neighbour_no, c.weight,
         ROW_NUMBER() OVER (PARTITION BY c.item_no ORDER BY c.weight DESC, c.neighbour_id ASC) AS neighbour_rank
  FROM clamped c
)
SELECT n.item_no, n.neighbour_no, n.weight, n.neighbour_rank
FROM numbered n
CROSS JOIN params p
WHERE n.neighbour_rank <= p.related_limit
