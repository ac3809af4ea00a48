-- An award row was written with the time it was entered, and the time was never read: the audit
-- log says when an award was entered (`award.create` names the award, an import's entry its
-- source, its rows and the range of ids it gave). The times of awards entered before this
-- migration are not kept. In a bulk load the column was close to half of an award row's bytes, each
-- written twice (the table, then its write-ahead log).
ALTER TABLE award DROP COLUMN created_at;

