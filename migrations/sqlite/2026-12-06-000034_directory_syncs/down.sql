DROP TABLE directory_syncs;
