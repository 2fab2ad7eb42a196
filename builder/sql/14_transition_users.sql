-- transition_users: distinct users per transition from_item -> to_item.
SELECT t.from_item, t.to_item, COUNT(*) AS users
FROM user_transitions t
GROUP BY t.from_item, t.to_item
