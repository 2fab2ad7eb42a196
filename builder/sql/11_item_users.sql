-- item_users: distinct users per item (the item's popularity).
SELECT c.item_id, COUNT(DISTINCT c.user_id) AS users
FROM capped_events c
GROUP BY c.item_id
