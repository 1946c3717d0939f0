-- One row: how many district codes of an upload (registered as new_keys) the board already holds.
select count(*) as n from new_keys where district_code in (select district_code from districts)
