// Package deploy holds no code: its tests check the deployment files beside
// them. The Helm chart in helm/warroom is rendered with a real helm
// (WARROOM_HELM, or helm on PATH; `make chart` builds the pinned one) in
// each mode; compose.yaml is read for what the HA trial needs. It imports
// the standard library and a YAML decoder only.
package deploy
