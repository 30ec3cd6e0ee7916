DROP INDEX contracts_notice_order;
DROP INDEX contracts_settle;
