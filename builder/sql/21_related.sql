-- related: cosine similarity over distinct users,
--   users(i and j) / sqrt(users(i) * users(j)),
-- for pairs shared by at least k users; the top related_limit per item by
-- weight, ties by neighbour id. Noise can push the ratio above 1: clamped.
WITH published AS (
  SELECT p.item_a, p.item_b,
         CAST(p.users AS DOUBLE) / SQRT(CAST(ua.users AS DOUBLE) * CAST(ub.users AS DOUBLE)) AS cosine
  FROM released_pair_users p
  JOIN released_item_users ua ON ua.item_id = p.item_a
  JOIN released_item_users ub ON ub.item_id = p.item_b
  CROSS JOIN params k
  WHERE p.users >= k.k AND ua.users > 0 AND ub.users > 0
),
both_ways AS (
  SELECT item_a AS item_id, item_b AS neighbour_id, cosine FROM published
  UNION ALL
  SELECT item_b AS item_id, item_a AS neighbour_id, cosine FROM published
),
ranked AS (
  SELECT b.item_id, b.neighbour_id,
         CASE WHEN b.cosine > CAST(1 AS DOUBLE) THEN CAST(1 AS DOUBLE) ELSE b.cosine END AS weight
  FROM both_ways b
),
numbered AS (
  SELECT r.item_id, r.neighbour_id, r.weight,
         ROW_NUMBER() OVER (PARTITION BY r.item_id ORDER BY r.weight DESC, r.neighbour_id ASC) AS neighbour_rank
  FROM ranked r
)
SELECT n.item_id, n.neighbour_id, n.weight, n.neighbour_rank
FROM numbered n
CROSS JOIN params p
WHERE n.neighbour_rank <= p.related_limit
