-- user_transitions: which users went from one item to another. A transition
-- is two consecutive positive events of one user in time order (equal
-- timestamps in log order); staying on the same item is no transition.
SELECT DISTINCT ordered.user_no, ordered.item_no AS from_item, ordered.next_item AS to_item
FROM (
  SELECT c.user_no, c.item_no,
         LEAD(c.item_no) OVER (PARTITION BY c.user_no ORDER BY c.ts, c.seq) AS next_item
  FROM capped_events c
) ordered
WHERE ordered.next_item IS NOT NULL AND ordered.next_item <> ordered.item_no
