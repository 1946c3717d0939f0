-- One row: how many town codes of an upload (registered as new_keys) the board already holds.
select count(*) as n from new_keys where town_code in (select town_code from towns)
