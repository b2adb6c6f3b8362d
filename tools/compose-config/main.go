// compose-config prints a compose project as `docker compose config --format json` does: the
// files read, merged, interpolated (.env beside the first file, then the environment) and
// normalised by compose-go, the library Docker Compose itself is built on, and checked against
// the Compose Specification's schema. Every profile is enabled, so on-demand services are in.
// The contract tests (test/config/support/compose-spec.ts) read its output: no Docker needed.
//
//	compose-config docker-compose.yml [docker-compose.lite.yml ...]
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-config FILE [FILE...]")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(
		os.Args[1:],
		cli.WithWorkingDirectory("."),
		cli.WithOsEnv,
		cli.WithEnvFiles(),
		cli.WithDotEnv,
		cli.WithProfiles([]string{"*"}),
	)
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(append(out, '\n'))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "compose-config:", err)
	os.Exit(1)
}
