-- next: for each item i, the share of the users who moved on from i that
-- moved on to j: users(i -> j) / users(i -> anything), for transitions made by
-- at least k users; the top next_limit per item by weight, ties by the
-- neighbour's item id. Noise can push the ratio above 1: clamped.
WITH published AS (
  SELECT t.from_item, t.to_item,
         CAST(t.users AS DOUBLE) / CAST(s.users AS DOUBLE) AS share
  FROM released_transition_users t
  JOIN released_transition_sources s ON s.item_no = t.from_item
  CROSS JOIN params k
  WHERE t.users >= k.k AND s.users > 0
),
clamped AS (
  SELECT pb.from_item AS item_no, pb.to_item AS neighbour_no, i.item_id AS neighbour_id,
         CASE WHEN pb.share > CAST(1 AS DOUBLE) THEN CAST(1 AS DOUBLE) ELSE pb.share END AS weight
  FROM published pb
  JOIN items i ON i.item_no = pb.to_item
),
numbered AS (
  SELECT c.item_no, c.neighbour_no, c.weight,
         ROW_NUMBER() OVER (PARTITION BY c.item_no ORDER BY c.weight DESC, c.neighbour_id ASC) AS neighbour_rank
  FROM clamped c
)
SELECT n.item_no, n.neighbour_no, n.weight, n.neighbour_rank
FROM numbered n
CROSS JOIN params p
WHERE n.neighbour_rank <= p.next_limit
