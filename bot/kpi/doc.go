// Package kpi is warroom's KPI maths: incident counts against the previous
// period, MTTD/MTTA/MTTR (median, p90, mean), SLA compliance per severity,
// open incidents by age, noisiest alerts and services, action items and
// recurrence, and the calendar arithmetic of digest periods (time zones,
// DST).
//
// The numbers come from a bot.KPIAggregates: the stores sum incidents up in
// SQL (storage/*), Aggregate does the same in memory from incidents,
// timelines and action items (tests, small data sets), and Build turns
// either into a Report. Percentiles use the nearest-rank rule: the p-th
// percentile of n values is the smallest value with at least ceil(p·n)
// values at or below it (so the median of 4 values is the 2nd).
//
// It imports bot and the standard library only.
package kpi
