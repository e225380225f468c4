// Package chart draws a KPI digest's PNG chart with the standard library's
// image packages and x/image's built-in bitmap font: incidents per day (or
// week, or month) stacked by severity, and the mean time to resolve of each
// day below it. Nothing is parsed or loaded at start-up, so linking it costs
// the server no resident memory until a digest is drawn.
//
// It imports bot, bot/kpi, bot/digest and golang.org/x/image/font.
package chart
