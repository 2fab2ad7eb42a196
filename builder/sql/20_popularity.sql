-- popularity: released distinct users per item. The released_* tables are the
-- counts of stages 1x, with Laplace noise added when --epsilon is given and
-- unchanged otherwise. Items absent here have popularity 0.
SELECT r.item_no, r.users AS popularity
FROM released_item_users r
WHERE r.users > 0
