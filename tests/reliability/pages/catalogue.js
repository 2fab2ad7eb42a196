// The fuzzer's fixture catalogue (fuzz/corpus/catalogue/ok-fixture.json) as a module:
// pages may not fetch anything (connect-src 'none').
export default {
 "version": 1,
 "categories": [
  {
   "id": "sci-fi",
   "label": "Sci-Fi"
  },
  {
   "id": "comedy",
   "label": "Comedy"
  },
  {
   "id": "drama",
   "label": "Drama"
  },
  {
   "id": "horror",
   "label": "Horror"
  },
  {
   "id": "health",
   "label": "Health",
   "sensitive": true
  }
 ],
 "items": [
  {
   "id": "m1",
   "title": "Alien",
   "categories": [
    "sci-fi",
    "horror"
   ],
   "popularity": 90,
   "publishedAt": 1699740800000,
   "related": [
    {
     "id": "m2",
     "weight": 0.9
    },
    {
     "id": "m5",
     "weight": 0.4
    }
   ],
   "next": [
    {
     "id": "m2",
     "weight": 0.8
    }
   ]
  },
  {
   "id": "m2",
   "title": "Aliens",
   "categories": [
    "sci-fi"
   ],
   "popularity": 70,
   "related": [
    {
     "id": "m1",
     "weight": 0.9
    },
    {
     "id": "m3",
     "weight": 0.3
    }
   ]
  },
  {
   "id": "m3",
   "title": "Blade Runner",
   "categories": [
    "sci-fi",
    "drama"
   ],
   "popularity": 70,
   "related": [
    {
     "id": "m2",
     "weight": 0.5
    },
    {
     "id": "m10",
     "weight": 0.2
    }
   ]
  },
  {
   "id": "m4",
   "title": "Airplane!",
   "categories": [
    "comedy"
   ],
   "popularity": 95,
   "related": [
    {
     "id": "m6",
     "weight": 0.7
    },
    {
     "id": "m11",
     "weight": 0.5
    }
   ]
  },
  {
   "id": "m5",
   "title": "The Thing",
   "categories": [
    "horror"
   ],
   "popularity": 40,
   "related": [
    {
     "id": "m1",
     "weight": 0.6
    }
   ]
  },
  {
   "id": "m6",
   "title": "Groundhog Day",
   "categories": [
    "comedy",
    "drama"
   ],
   "popularity": 60,
   "related": [
    {
     "id": "m4",
     "weight": 0.7
    },
    {
     "id": "m7",
     "weight": 0.2
    }
   ]
  },
  {
   "id": "m7",
   "title": "Casablanca",
   "categories": [
    "drama"
   ],
   "popularity": 60
  },
  {
   "id": "m8",
   "title": "Mindful Eating",
   "categories": [
    "health"
   ],
   "popularity": 80,
   "related": [
    {
     "id": "m9",
     "weight": 0.9
    }
   ]
  },
  {
   "id": "m9",
   "title": "Sleep Better",
   "categories": [
    "health",
    "drama"
   ],
   "popularity": 10
  },
  {
   "id": "m10",
   "title": "Plan 9",
   "categories": [
    "sci-fi",
    "horror",
    "comedy"
   ]
  },
  {
   "id": "m11",
   "title": "Paddington",
   "categories": [
    "comedy"
   ],
   "popularity": 50,
   "repeatable": true
  },
  {
   "id": "m12",
   "title": "Untitled",
   "popularity": 20
  }
 ]
};
