-- A person's rating never has a unit and a unit's rating never has a person. The table's two
-- UNIQUE constraints indexed every row on both sides; the side whose key is NULL is pure cost in
-- a bulk import. The same uniqueness, each side indexed only where it applies.
ALTER TABLE rating DROP CONSTRAINT rating_person_id_year_key;
ALTER TABLE rating DROP CONSTRAINT rating_unit_id_year_key;
CREATE UNIQUE INDEX rating_person ON rating(person_id, year) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX rating_unit ON rating(unit_id, year) WHERE unit_id IS NOT NULL;

-- Awards by code: lists and reports of one award. The year is not in the key: an index of
-- (code, year) grows at a thousand places at once during an import, which cost a bulk load more
-- than every other index together, and the quota base that used it is read from the panel.
DROP INDEX award_code_year;
CREATE INDEX award_code ON award(award_code);
