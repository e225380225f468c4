// Package chart draws a KPI digest's PNG chart with gonum.org/v1/plot:
// incidents per day (or week, or month) stacked by severity above, and the
// median and p90 time to resolve of each bucket below, in the console's
// colours, with tick labels and legends. Series extracts the numbers drawn,
// which the tests compare with golden files (the pixels are the library's
// business). gonum/plot's fonts cost a few MiB resident; BENCHMARKS.md
// counts them.
//
// It imports bot, bot/kpi, bot/digest and gonum.org/v1/plot.
package chart
