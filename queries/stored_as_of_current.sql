-- One row: $as_of (stored_as_of) when a row carrying that date is still its hazard's current row, as
-- hazard_rows picks it (latest batch, then latest source row); it is then as_of_default. Null when every such
-- row was replaced since, and the caller reads as_of_default. Only the batches from the first carrying row on
-- can replace it, and batch_seq is one value per Parquet file, so the others are skipped unread.
with carrying as (
    select hazard_id, batch_seq, source_row
    from stg_hazards
    where greatest(found_date, rectified_date, closed_date) = $as_of
),
later as (
    select hazard_id, batch_seq, source_row
    from stg_hazards
    where batch_seq >= (select min(batch_seq) from carrying)
      and hazard_id in (select hazard_id from carrying)
)
select max($as_of::date) as as_of
from carrying c
where not exists (
    select 1 from later l
    where l.hazard_id = c.hazard_id
      and (l.batch_seq > c.batch_seq or (l.batch_seq = c.batch_seq and l.source_row > c.source_row))
)
