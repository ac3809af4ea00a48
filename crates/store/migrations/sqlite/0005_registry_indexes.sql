-- A person's rating never has a unit and a unit's rating never has a person. The table's two
-- UNIQUE constraints indexed every row on both sides, and the side whose key is NULL cost most of
-- a bulk import's time (a unique index on a column that is NULL in every row). The same
-- uniqueness, each side indexed only where it applies: SQLite cannot drop a constraint, so the
-- table is rebuilt (nothing refers to it).
CREATE TABLE rating_new (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER REFERENCES person(id),
    unit_id    INTEGER REFERENCES unit(id),
    year       INTEGER NOT NULL,
    rating     TEXT NOT NULL,
    CHECK ((person_id IS NULL) <> (unit_id IS NULL))
);
INSERT INTO rating_new (id, person_id, unit_id, year, rating) SELECT id, person_id, unit_id, year, rating FROM rating;
DROP TABLE rating;
ALTER TABLE rating_new RENAME TO rating;
CREATE UNIQUE INDEX rating_person ON rating(person_id, year) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX rating_unit ON rating(unit_id, year) WHERE unit_id IS NOT NULL;

-- Awards by code: lists and reports of one award. The year is not in the key: an index of
-- (code, year) grows at a thousand places at once during an import, which cost a bulk load more
-- than every other index together, and the quota base that used it is read from the panel.
DROP INDEX award_code_year;
CREATE INDEX award_code ON award(award_code);
