// Package chart draws a KPI digest's PNG chart with gonum/plot: incidents
// per day (or week, or month) stacked by severity, and the mean time to
// resolve of each day below it. Pure Go; no fonts or tools outside the
// module.
//
// It imports bot, bot/kpi, bot/digest and gonum/plot.
package chart
