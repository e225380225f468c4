// Package config reads warroom's configuration: defaults, then the YAML
// file, then the environment (which wins), with secrets only from the
// environment or from files named by NAME_FILE. It refuses unknown keys,
// secrets in the file and invalid values, naming the key or the variable
// in every error, and renders the effective configuration, secrets
// redacted, for `warroom config check`.
//
// One tree of structs holds it all, a struct per section of the file.
// Each field's tags name its YAML key and its environment variable
// (keys.go); the file is decoded (decode.go), the environment laid over it
// (env.go) and the view printed (view.go) from those tags, and each field
// holds the effective value, defaults filled in from the packages that own
// them, so what `config check` prints is what warroom does.
//
// config imports bot, bot/*, integrations/* (for their types and
// defaults only) and internal/*. Only cmd imports it.
package config
