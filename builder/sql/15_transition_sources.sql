-- transition_sources: distinct users with any transition out of an item.
SELECT t.from_item AS item_no, COUNT(DISTINCT t.user_no) AS users
FROM user_transitions t
GROUP BY t.from_item
