package docs_test

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

// section is one "## Title" part of a page.
type section struct {
	title    string
	line     int // of the heading
	examples []example
}

// example is a yaml block of a section and the check block that follows
// it, if any.
type example struct {
	line  int // of the yaml block's opening fence
	yaml  string
	cases []checkCase
}

// checkCase is one request of a check block and what its reply must be.
type checkCase struct {
	line         int
	method       string
	target       string // path and query
	headers      [][2]string
	body         string
	hasBody      bool
	status       int
	wantHeaders  [][2]string
	noHeaders    []string
	bodyContains []string
}

// fence is a fenced code block of a section.
type fence struct {
	line int
	info string
	text string
	// adjacent is true when only blank lines separate the block from the
	// previous block of the section.
	adjacent bool
}

// parsePage splits a markdown page into its "## " sections and reads
// their examples. Headings inside code blocks are not headings.
func parsePage(page string) ([]section, error) {
	var (
		sections []section
		cur      *section
		blocks   []fence
		inFence  bool
		open     fence
		body     strings.Builder
		gapText  bool // non-blank text since the last block closed
	)
	flush := func() error {
		if cur == nil {
			return nil
		}
		exs, err := examplesOf(blocks)
		if err != nil {
			return fmt.Errorf("section %q (line %d): %w", cur.title, cur.line, err)
		}
		cur.examples = exs
		sections = append(sections, *cur)
		return nil
	}
	sc := bufio.NewScanner(strings.NewReader(page))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if inFence {
			if trimmed == "```" {
				inFence = false
				open.text = body.String()
				blocks = append(blocks, open)
				gapText = false
				continue
			}
			body.WriteString(line)
			body.WriteByte('\n')
			continue
		}
		if strings.HasPrefix(trimmed, "```") {
			inFence = true
			body.Reset()
			open = fence{line: n, info: strings.TrimSpace(strings.TrimPrefix(trimmed, "```")), adjacent: len(blocks) > 0 && !gapText}
			continue
		}
		if strings.HasPrefix(line, "## ") {
			if err := flush(); err != nil {
				return nil, err
			}
			cur = &section{title: strings.TrimSpace(strings.TrimPrefix(line, "## ")), line: n}
			blocks, gapText = nil, false
			continue
		}
		if trimmed != "" {
			gapText = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if inFence {
		return nil, fmt.Errorf("code block opened at line %d is never closed", open.line)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return sections, nil
}

// examplesOf pairs each yaml block with the check block right after it.
// A check block anywhere else is an error, so that a misplaced check is
// not silently skipped.
func examplesOf(blocks []fence) ([]example, error) {
	var out []example
	for _, b := range blocks {
		switch b.info {
		case "yaml":
			out = append(out, example{line: b.line, yaml: b.text})
		case "check":
			if len(out) == 0 || !b.adjacent || out[len(out)-1].cases != nil {
				return nil, fmt.Errorf("check block at line %d does not follow a yaml block", b.line)
			}
			cases, err := parseChecks(b.text, b.line+1)
			if err != nil {
				return nil, err
			}
			if len(cases) == 0 {
				return nil, fmt.Errorf("check block at line %d holds no case", b.line)
			}
			out[len(out)-1].cases = cases
		}
	}
	return out, nil
}

// parseChecks reads the cases of a check block; first is the page line
// of its first line.
func parseChecks(text string, first int) ([]checkCase, error) {
	var (
		cases []checkCase
		cur   *checkCase
	)
	end := func() error {
		if cur == nil {
			return nil
		}
		if cur.status == 0 {
			return fmt.Errorf("line %d: case has no expect line", cur.line)
		}
		cases = append(cases, *cur)
		cur = nil
		return nil
	}
	for i, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		n := first + i
		if strings.TrimSpace(line) == "" {
			if err := end(); err != nil {
				return nil, err
			}
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: %q is not a \"key: value\" line", n, line)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if cur == nil {
			if key != "request" {
				return nil, fmt.Errorf("line %d: a case must start with a request line, got %q", n, key)
			}
			cur = &checkCase{line: n}
		}
		if err := cur.set(key, value); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
	}
	if err := end(); err != nil {
		return nil, err
	}
	return cases, nil
}

// set records one line of the case.
func (c *checkCase) set(key, value string) error {
	switch key {
	case "request":
		if c.method != "" {
			return fmt.Errorf("a second request line in one case (separate cases by a blank line)")
		}
		method, target, ok := strings.Cut(value, " ")
		target = strings.TrimSpace(target)
		if !ok || method == "" || !strings.HasPrefix(target, "/") {
			return fmt.Errorf("request must be \"METHOD /path?query\", got %q", value)
		}
		c.method, c.target = method, target
	case "header", "expect-header":
		name, v, ok := strings.Cut(value, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return fmt.Errorf("%s must be \"Name: value\", got %q", key, value)
		}
		kv := [2]string{name, strings.TrimSpace(v)}
		if key == "header" {
			c.headers = append(c.headers, kv)
		} else {
			c.wantHeaders = append(c.wantHeaders, kv)
		}
	case "body":
		c.body, c.hasBody = value, true
	case "expect":
		code, err := strconv.Atoi(value)
		if err != nil || code < 100 || code > 599 {
			return fmt.Errorf("expect must be a status code, got %q", value)
		}
		c.status = code
	case "expect-no-header":
		if value == "" {
			return fmt.Errorf("expect-no-header needs a header name")
		}
		c.noHeaders = append(c.noHeaders, value)
	case "expect-body-contains":
		c.bodyContains = append(c.bodyContains, value)
	default:
		return fmt.Errorf("unknown check line %q", key)
	}
	return nil
}
