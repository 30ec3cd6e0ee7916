-- The notice deadline is derived (ends_on minus the notice period, with
-- the month-end rule of the pure domain) and stored only so that the
-- daily pass and the listing can find the contracts whose dates are near
-- without reading them all. The service writes it with every change;
-- rows written before this column existed are filled in by the next pass.
ALTER TABLE contracts ADD COLUMN notice_deadline DATE;
CREATE INDEX contracts_notice ON contracts (notice_deadline);
CREATE INDEX contracts_terminates ON contracts (terminates_on);
