// Package chart draws a KPI digest's PNG chart with gonum.org/v1/plot:
// incidents per day (or week, or month) stacked by severity above, and the
// median and p90 time to resolve of each bucket below, in the console's
// colours, with tick labels and legends. Series extracts the numbers drawn,
// which the tests compare with golden files (the pixels are the library's
// business). gonum/plot parses its fonts when the process starts;
// FontFiles names them so that `warroom serve` can let their pages go once
// it has started (BENCHMARKS.md, "Idle memory: the executable's start-up
// pages").
//
// It imports bot, bot/kpi, bot/digest, gonum.org/v1/plot and the
// Liberation fonts gonum/plot embeds (codeberg.org/go-fonts/liberation).
package chart
