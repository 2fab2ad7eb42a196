-- item_users: distinct users per item (the item's popularity).
SELECT c.item_no, COUNT(DISTINCT c.user_no) AS users
FROM capped_events c
GROUP BY c.item_no
