-- The stock ledger is append-only: a correction is another movement, never an edit. PostgreSQL
-- refuses UPDATE, DELETE and TRUNCATE of "StockMovement" whoever sends them. One DELETE is let
-- through: the cascade of a product's deletion (its ledger goes with it), which PostgreSQL runs
-- from its foreign-key trigger, so this trigger then fires nested (pg_trigger_depth() > 1).
-- The body is an E'' string with each semicolon written \073: the migration runner's driver
-- adapter (@prisma/adapter-pg executeScript) splits a script at every semicolon, dollar quotes included.
CREATE FUNCTION "stock_movement_append_only"() RETURNS trigger
LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''DELETE'' AND pg_trigger_depth() > 1 THEN
    RETURN OLD\073
  END IF\073
  RAISE EXCEPTION ''StockMovement is append-only: % refused, post a correcting movement instead'', TG_OP
    USING ERRCODE = ''integrity_constraint_violation''\073
END\073
';

CREATE TRIGGER "StockMovement_append_only"
  BEFORE UPDATE OR DELETE ON "StockMovement"
  FOR EACH ROW EXECUTE FUNCTION "stock_movement_append_only"();

CREATE TRIGGER "StockMovement_no_truncate"
  BEFORE TRUNCATE ON "StockMovement"
  FOR EACH STATEMENT EXECUTE FUNCTION "stock_movement_append_only"();
