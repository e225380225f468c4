-- An incident's channels by the naming rule (schema 45): an incident's
-- channels column whose every channel is the one the naming rule makes from
-- the incident's number and title (inc-42-checkout-latency-above-slo)
-- stores '@' and the platforms ('@console'; '@slack=sec' under another
-- prefix) instead of the JSON that names each channel once more (see
-- storage/internal/sqlstore/channel_names.go). Rows written before read
-- back as they were, and take the new form when the incident is next
-- written: nothing to convert. The version marks the new form, which an
-- older warroom cannot read: it refuses to start against this schema.
SELECT 1;
