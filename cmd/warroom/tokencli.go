package main

import (
	"context"
	"fmt"
	"os/user"
	"text/tabwriter"
	"time"

	"github.com/warroom/warroom/bot"
)

// warroom token create NAME --role viewer|responder|admin [--act-for-others]
// | list | revoke NAME: named API tokens (README.md, "JSON API").
func (c *cli) token(ctx context.Context, args []string) int {
	usage := func() int {
		fmt.Fprintln(c.stderr, "usage: warroom token create NAME --role viewer|responder|admin [--act-for-others] | list | revoke NAME")
		return exitUsage
	}
	if len(args) == 0 {
		return usage()
	}
	verb, args := args[0], args[1:]
	var name string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:] // NAME may come before the flags
	}
	fs := c.flags("warroom token " + verb)
	role := fs.String("role", "", "what the token may do: `viewer` (read), responder (also change incidents) or admin (also dead letters)")
	actFor := fs.Bool("act-for-others", false, `let the token name another user in POST /api/v1/commands ("user")`)
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0) // flags before NAME: parse those after it too
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return flagExit(err)
		}
	}
	switch verb {
	case "create":
		if name == "" || fs.NArg() != 0 || *role == "" {
			return usage()
		}
	case "revoke":
		if name == "" || fs.NArg() != 0 || *role != "" || *actFor {
			return usage()
		}
	case "list":
		if name != "" || fs.NArg() != 0 || *role != "" || *actFor {
			return usage()
		}
	default:
		return usage()
	}
	_, store, done, ok := c.open(ctx, "token "+verb)
	if !ok {
		return exitError
	}
	defer done()
	svc, err := bot.NewService(bot.Config{}, store, nil)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom token %s: %v\n", verb, err)
		return exitError
	}
	switch verb {
	case "create":
		r, err := bot.ParseTokenRole(*role)
		if err != nil {
			fmt.Fprintf(c.stderr, "warroom token create: %s\n", bot.ErrorMessage(err))
			return exitUsage
		}
		secret, err := svc.CreateToken(ctx, cliActor(), name, r, *actFor)
		if err != nil {
			fmt.Fprintf(c.stderr, "warroom token create: %s\n", bot.ErrorMessage(err))
			return exitError
		}
		fmt.Fprintln(c.stdout, secret)
		fmt.Fprintf(c.stderr, "token %q (%s) created; the secret above is shown only now: store it\n", name, r)
	case "revoke":
		if err := svc.RevokeToken(ctx, cliActor(), name); err != nil {
			fmt.Fprintf(c.stderr, "warroom token revoke: %s\n", bot.ErrorMessage(err))
			if bot.ErrorCode(err) == bot.CodeNotFound {
				return exitNotFound
			}
			return exitError
		}
		fmt.Fprintf(c.stdout, "token %q revoked\n", name)
	case "list":
		toks, err := svc.Tokens(ctx)
		if err != nil {
			fmt.Fprintf(c.stderr, "warroom token list: %v\n", err)
			return exitError
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tACT FOR OTHERS\tCREATED\tBY\tLAST USED\tREVOKED")
		when := func(t *time.Time) string {
			if t == nil {
				return "-"
			}
			return t.Format(time.RFC3339)
		}
		for _, t := range toks {
			fmt.Fprintf(tw, "%s\t%s\t%t\t%s\t%s\t%s\t%s\n", t.Name, t.Role, t.ActFor, t.CreatedAt.Format(time.RFC3339), t.CreatedBy,
				when(t.LastUsedAt), when(t.RevokedAt))
		}
		_ = tw.Flush()
	}
	return exitOK
}

// cliActor names whoever runs the command line in the audit.
func cliActor() string {
	if u := osUser(); u != "" {
		return "cli:" + u
	}
	return "cli"
}

// osUser is the name of the operating-system user running warroom; "" if
// unknown.
func osUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

// localUser is who the console acts as without sign-in: the configured
// name, else the operating-system user's, else console.DefaultLocalUser.
func localUser(configured string) string {
	if configured != "" {
		return configured
	}
	return osUser()
}
