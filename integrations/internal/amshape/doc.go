// Package amshape decodes webhook bodies shaped like Prometheus
// Alertmanager's (version 4): a group with an "alerts" array of alerts that
// carry status, labels, annotations, start and end. The alertmanager and
// grafana receivers build on it and add what their sender says beyond it.
//
// It imports bot and the standard library.
package amshape
