package cli

import "fmt"

// colorModes are the values of --color.
var colorModes = []string{"auto", "always", "never"}

// useColor decides whether a text report is coloured. "always" colours
// every text report and "never" none. "auto" colours only standard output,
// and there: never with NO_COLOR set (https://no-color.org), always with
// FORCE_COLOR set to anything but "0" (as CI logs such as GitHub Actions'
// show colour but are no terminal), and otherwise on a terminal. NO_COLOR
// wins over FORCE_COLOR: a CI image may set FORCE_COLOR for every tool, while
// NO_COLOR is a user's own choice.
func useColor(mode string, s Streams, toStdout bool) (bool, error) {
	getenv := s.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		switch force := getenv("FORCE_COLOR"); {
		case !toStdout || getenv("NO_COLOR") != "":
			return false, nil
		case force == "0":
			return false, nil
		case force != "":
			return true, nil
		}
		return s.terminal(s.Out), nil
	}
	return false, fmt.Errorf("--color: unknown value %q (want auto, always or never)", mode)
}
