-- One row: $as_of (from stored_as_of) when a row of batch $batch_seq carrying that date is still its hazard's
-- current row, as hazard_rows picks it (latest batch, then latest source row): it is then as_of_default.
-- Null when every such row was replaced since, and the caller reads as_of_default. Only batches from
-- $batch_seq on can replace them, and batch_seq is one value per Parquet file: the other files are not read.
with carrying as (
    select hazard_id, source_row
    from stg_hazards
    where batch_seq = $batch_seq and greatest(found_date, rectified_date, closed_date) = $as_of
),
replaced as (
    select distinct c.hazard_id, c.source_row
    from carrying c
    join stg_hazards l on l.hazard_id = c.hazard_id
    where l.batch_seq >= $batch_seq
      and (l.batch_seq > $batch_seq or l.source_row > c.source_row)
)
select case when (select count(*) from carrying) > (select count(*) from replaced) then $as_of::date end as as_of
