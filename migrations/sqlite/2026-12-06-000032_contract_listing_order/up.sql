-- The contracts listing reads its pages in order from indexes instead of
-- sorting every contract: a contract's next decision is its notice
-- deadline while that is ahead of an auto-renewing contract nobody
-- terminated, else the day it ends (the termination day, or its end).
CREATE INDEX contracts_settle ON contracts (COALESCE(terminates_on, ends_on), id);
CREATE INDEX contracts_notice_order ON contracts (notice_deadline, id);
