// Command depcheck enforces warroom's dependency rule (README.md, "Project
// structure"; docs/ARCHITECTURE.md) on the packages of the module it runs
// in:
//
//	bot                    → the standard library only
//	bot/*                  → bot, bot/kpi (+ the standard library); bot/kpi
//	                         is pure maths over bot, so bot/digest may render it
//	engine, engine/*       → bot, bot/*, engine/* (the worker, the scheduler
//	                         and the digest runner move the domain's jobs
//	                         and time)
//	commands               → bot, bot/*
//	storage/internal/*     → bot, storage/internal/*
//	storage/*              → bot, storage/internal/*
//	internal/*             → bot, internal/* (the HTTP kit the server and
//	                         every integration share)
//	internal/testkit       → bot, bot/*, engine/*, storage/sqlite, commands,
//	                         internal/* (the one test kit: a ready Service
//	                         needs them all)
//	integrations/internal  → bot, bot/*, commands, internal/*, integrations/internal/*
//	integrations/X         → commands, bot, bot/*, internal/*, integrations/internal/*,
//	                         its own subpackages; never another integration,
//	                         never engine (integrations/internal neither)
//	config                 → bot, bot/*, engine/*, integrations/* (their types and
//	                         defaults), internal/*
//	cmd/*                  → anything
//
// and nothing imports cmd/*, and nothing but cmd/* imports config; only
// test files and the fake packages named *test (slacktest, storetest, ...)
// import internal/testkit.
// Third-party modules are allowed everywhere but in bot and bot/*. Test
// files may import more (a store in an integration's test, say) but never
// cmd/*, and config only from cmd/*.
//
// Run it from the module root: `go run ./cmd/depcheck` (make deps-check).
// It exits 1 listing every violation. It imports the standard library only.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
)

func main() {
	pkgs, module, err := listPackages(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "depcheck:", err)
		os.Exit(2)
	}
	violations := check(module, pkgs)
	for _, v := range violations {
		fmt.Fprintln(os.Stderr, v)
	}
	if len(violations) > 0 {
		fmt.Fprintf(os.Stderr, "depcheck: %d violation(s) of the dependency rule (see README.md, Project structure)\n", len(violations))
		os.Exit(1)
	}
	fmt.Printf("depcheck: %d packages follow the dependency rule\n", len(pkgs))
}

// pkg is what depcheck needs of `go list -json`.
type pkg struct {
	ImportPath   string
	Standard     bool
	Imports      []string
	TestImports  []string
	XTestImports []string
	Module       *struct{ Path string }
}

// listPackages lists the module's packages from dir.
func listPackages(dir string) ([]pkg, string, error) {
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Standard,Imports,TestImports,XTestImports,Module", "./...")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, "", fmt.Errorf("go list: %w: %s", err, stderr.String())
	}
	var pkgs []pkg
	module := ""
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, "", fmt.Errorf("decode go list output: %w", err)
		}
		if p.Module != nil && module == "" {
			module = p.Module.Path
		}
		pkgs = append(pkgs, p)
	}
	if module == "" {
		return nil, "", errors.New("go list: no module found")
	}
	return pkgs, module, nil
}

// check returns one line per import that breaks the rule.
func check(module string, pkgs []pkg) []string {
	var out []string
	for _, p := range pkgs {
		from, ok := strings.CutPrefix(p.ImportPath, module+"/")
		if !ok {
			continue
		}
		for _, imp := range p.Imports {
			if why := allowed(module, from, imp); why != "" {
				out = append(out, fmt.Sprintf("%s imports %s: %s", p.ImportPath, imp, why))
			}
		}
		for _, imp := range slices.Concat(p.TestImports, p.XTestImports) {
			rel, ok := strings.CutPrefix(imp, module+"/")
			switch {
			case !ok:
			case top(rel) == "cmd":
				out = append(out, fmt.Sprintf("%s (tests) imports %s: nothing imports cmd", p.ImportPath, imp))
			case top(rel) == "config" && top(from) != "cmd" && top(from) != "config":
				out = append(out, fmt.Sprintf("%s (tests) imports %s: only cmd imports config", p.ImportPath, imp))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// allowed returns "" when package from (relative to the module) may import
// imp, and otherwise the reason it may not.
func allowed(module, from, imp string) string {
	rel, internal := strings.CutPrefix(imp, module+"/")
	if imp == module {
		rel, internal = "", true
	}
	std := !internal && isStandard(imp)
	if internal && top(rel) == "cmd" {
		return "nothing imports cmd"
	}
	if internal && top(rel) == "config" && top(from) != "cmd" && top(from) != "config" {
		return "only cmd imports config"
	}
	if internal && under(rel, "internal/testkit") && !under(from, "internal/testkit") {
		if !isFake(from) {
			return "only tests and *test fake packages import internal/testkit"
		}
		return "" // a fake builds on the kit, whatever room it stands in
	}
	switch {
	case from == "bot":
		if !std {
			return "bot imports the standard library only"
		}
	case strings.HasPrefix(from, "bot/"):
		if !std && rel != "bot" && (rel != "bot/kpi" || from == "bot/kpi") {
			return "bot/* imports bot, bot/kpi and the standard library only"
		}
	case under(from, "engine"):
		if internal && !isBot(rel) && !under(rel, "engine") {
			return "engine imports bot, bot/* and engine/* only"
		}
	case from == "commands" || strings.HasPrefix(from, "commands/"):
		if internal && !isBot(rel) && !under(rel, "commands") {
			return "commands imports bot and bot/* only"
		}
	case strings.HasPrefix(from, "storage/"):
		if internal && rel != "bot" && !under(rel, "storage/internal") && !under(rel, storagePkg(from)) {
			return "storage/* imports bot and storage/internal only"
		}
	case under(from, "internal/testkit"):
		if internal && !isBot(rel) && !under(rel, "engine") && !under(rel, "storage/sqlite") && rel != "commands" && !under(rel, "internal") {
			return "internal/testkit imports bot, bot/*, engine/*, storage/sqlite, commands and internal/* only"
		}
	case under(from, "internal"):
		if internal && rel != "bot" && !under(rel, "internal") {
			return "internal/* imports bot and internal/* only"
		}
	case under(from, "integrations/internal"):
		if internal && under(rel, "engine") {
			return "integrations never import engine"
		}
		if internal && !isBot(rel) && rel != "commands" && !under(rel, "internal") && !under(rel, "integrations/internal") {
			return "integrations/internal imports bot, bot/*, commands and internal/* only"
		}
	case under(from, "config"):
		if internal && !isBot(rel) && !under(rel, "integrations") && !under(rel, "internal") && !under(rel, "config") && !under(rel, "engine") {
			return "config imports bot, bot/*, engine/*, integrations/* and internal/* only"
		}
	case strings.HasPrefix(from, "integrations/"):
		own := integrationOf(from)
		if !internal || isBot(rel) || rel == "commands" || under(rel, "internal") || under(rel, "integrations/internal") || under(rel, own) {
			return ""
		}
		if strings.HasPrefix(rel, "integrations/") {
			return "no integration imports another"
		}
		if under(rel, "engine") {
			return "integrations never import engine"
		}
		return "integrations import commands, bot, bot/*, internal/* and integrations/internal only"
	}
	return ""
}

// isStandard reports whether an import path is in the standard library: its
// first element has no dot (golang.org/x/... and modules all have one).
func isStandard(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".")
}

func isBot(rel string) bool { return under(rel, "bot") }

// isFake reports whether a package is a fake for tests: its name ends in
// "test" (slacktest, storetest, tickettest, webhooktest).
func isFake(rel string) bool {
	return strings.HasSuffix(rel[strings.LastIndex(rel, "/")+1:], "test")
}

// under reports whether rel is dir or inside it.
func under(rel, dir string) bool { return rel == dir || strings.HasPrefix(rel, dir+"/") }

func top(rel string) string {
	t, _, _ := strings.Cut(rel, "/")
	return t
}

// integrationOf is the integration a package belongs to: integrations/slack
// for integrations/slack/blocks.
func integrationOf(rel string) string {
	parts := strings.SplitN(rel, "/", 3)
	if len(parts) < 2 {
		return rel
	}
	return parts[0] + "/" + parts[1]
}

// storagePkg is the store a package belongs to: storage/sqlite for
// storage/sqlite/migrations.
func storagePkg(rel string) string { return integrationOf(rel) }
