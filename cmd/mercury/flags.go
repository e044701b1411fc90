package main

import "flag"

// parseInterspersed parses args with fs allowing flags after positional
// arguments too (`mercury driver test FILE.wasm --simulator eos`), as
// operators type them; "--" still ends the flags. The positional
// arguments, in order, are returned.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
